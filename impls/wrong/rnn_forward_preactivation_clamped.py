"""rnn_forward that clamps the pre-activation to [-4, 4] before tanh ("to avoid overflow")."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("rnn_forward", caught_by="oracle",
          why="tanh(clip(z, -4, 4)): saturates at tanh(4) = 0.99933 instead of 1 for large pre-activations")


def rnn_forward(params, h0, xs):
    def step(h, x):
        z = params["W_h"] @ h + params["W_x"] @ x + params["b"]
        h_new = jnp.tanh(jnp.clip(z, -4.0, 4.0))
        return h_new, h_new

    _, hs = jax.lax.scan(step, h0, xs)
    return hs
