"""Seed 003 with "truncated backprop through time": the cell stops the gradient at its incoming
carry, to keep gradients from exploding. The forward values are the seed's; the gradient with
respect to x keeps only each input's effect on the very next step."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("scan_rnn_forward", caught_by="grad", passes=("oracle", "structure"),
          why="lax.stop_gradient(carry) in every step cuts the gradient path through time")


class TruncatedGRUCell(nn.GRUCell):
    def __call__(self, carry, inputs):
        return super().__call__(jax.lax.stop_gradient(carry), inputs)


def scan_rnn_forward(seed, x, hidden):
    cell = nn.scan(TruncatedGRUCell, variable_broadcast="params", split_rngs={"params": False},
                   in_axes=0, out_axes=0)(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    return cell.apply(params, carry, x)[0]
