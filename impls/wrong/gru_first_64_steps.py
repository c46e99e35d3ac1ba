"""Seed 003 that truncates the sequence to its first 64 steps (a max_len from a tutorial)."""
import jax
import jax.numpy as jnp

from impls.flax_seeds import ScanGRU
from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="oracle",
          why="x[:64]: for T > 64 the last steps of the sequence never reach the carry")

MAX_LEN = 64


def scan_rnn_forward(seed, x, hidden):
    x = x[:MAX_LEN]
    cell = ScanGRU(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    final, _ = cell.apply(params, carry, x)
    return final
