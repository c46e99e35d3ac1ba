"""Hypothesis strategies for the catalog's inputs.

Shapes come from small pools, not free ranges: every new shape costs a compile (80-100 ms,
1.5 s for a GRU), so a pool keeps a run's compile cost bounded while still covering the
edge sizes (0, 1) and sizes that are not powers of two.
"""
