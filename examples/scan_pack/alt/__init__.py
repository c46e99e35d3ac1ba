"""Correct modules in other styles than reference.py: every property of every function they
define must pass (tests/test_pack.py)."""
