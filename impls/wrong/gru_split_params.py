"""Seed 003's first pitfall: `variable_axes={"params": 0}` with split RNGs instead of
`variable_broadcast="params"`: T independent GRU cells, one per time step."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="oracle", pitfall="split params",
          why="per-step parameters: the RNN no longer shares one cell across time")


def scan_rnn_forward(seed, x, hidden):
    cell = nn.scan(nn.GRUCell, variable_axes={"params": 0}, split_rngs={"params": True},
                   in_axes=0, out_axes=0)(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    return cell.apply(params, carry, x)[0]
