"""Seed 003 with `reverse=True` on nn.scan (as for the backward half of a bidirectional RNN):
the cell reads x[T-1] first."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="oracle", pitfall="reversed time axis",
          why="the forward pass visits the sequence last to first")


def scan_rnn_forward(seed, x, hidden):
    cell = nn.scan(nn.GRUCell, variable_broadcast="params", split_rngs={"params": False},
                   in_axes=0, out_axes=0, reverse=True)(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    return cell.apply(params, carry, x)[0]
