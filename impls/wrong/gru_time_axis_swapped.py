"""Seed 003's third pitfall: the scan runs over the wrong axis of x (`in_axes=1`, the same as
passing x.T with in_axes=0): D steps, each a (T,) slice, and a cell whose input width is T.

The T = 0 edge case, which runs first, already rejects it: a cell with zero input features
makes lecun_normal divide by its fan-in of 0. For T >= 1 the oracle's failure names the
pitfall "time axis swapped" (tests/test_flax_oracles.py checks that the pitfall recognises
this module's results)."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="oracle", pitfall="ZeroDivisionError",
          why="in_axes=1 on a (T, D) input scans over the features")


def scan_rnn_forward(seed, x, hidden):
    cell = nn.scan(nn.GRUCell, variable_broadcast="params", split_rngs={"params": False},
                   in_axes=1, out_axes=0)(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    return cell.apply(params, carry, x)[0]
