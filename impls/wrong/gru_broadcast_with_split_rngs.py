"""Seed 003's second pitfall: `split_rngs={"params": True}` with `variable_broadcast="params"`.
A broadcast variable cannot depend on a per-step RNG, so Flax refuses at init."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="oracle", pitfall="broadcasted variable has a data dependency",
          why="split_rngs={'params': True} asks for per-step init keys for shared parameters")


def scan_rnn_forward(seed, x, hidden):
    cell = nn.scan(nn.GRUCell, variable_broadcast="params", split_rngs={"params": True},
                   in_axes=0, out_axes=0)(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    return cell.apply(params, carry, x)[0]
