"""Python-loop oracles, written without lax.scan: the judge's side of every comparison.

They live in the package (not beside the reference implementations in the repository's
`impls/`) because an installed harness needs them and must not ship the answer key.

Each oracle takes an array module `xp` first. The harness runs it with `numpy` in float64
for values (no JAX involved at all), and with `jax.numpy` under float64 (x64 enabled) when it
needs the oracle's gradient. Loops are plain Python `for` loops; no in-place updates, so the
same code is differentiable.
"""
from __future__ import annotations


def rows(xp, a) -> list:
    """The rows of `a` (its slices along the first axis), for a Python loop to visit. Split in
    one operation where the array module has one: under jax.grad each `a[i]` would be its own
    slice primitive, compiled once per index, which made the oracle's gradient the slowest part
    of a run at 80 steps; one unstack compiles once per shape. Same values either way."""
    unstack = getattr(xp, "unstack", None)  # NumPy >= 2.1, jax.numpy
    return list(unstack(a)) if unstack is not None and len(a) else list(a)
