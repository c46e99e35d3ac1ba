"""Seed 003 returning `ys[-1]`, the last per-step output, instead of the final carry: the same
for T >= 1, but an empty sequence has no last output (T = 0 must give the zero carry)."""
import jax
import jax.numpy as jnp

from impls.flax_seeds import ScanGRU
from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="oracle", pitfall="IndexError",
          why="ys[-1] of a (0, H) output does not exist")


def scan_rnn_forward(seed, x, hidden):
    cell = ScanGRU(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    _, ys = cell.apply(params, carry, x)
    return ys[-1]
