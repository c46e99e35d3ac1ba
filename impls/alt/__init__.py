"""Correct implementations written in other styles than the reference (optax, a hand-written
gradient, value_and_grad, a jitted wrapper, setup() instead of @nn.compact, length=T, ...).
The harness's own tests (tests/test_correct_impls_pass.py) require every property of every
function each module defines to pass."""
