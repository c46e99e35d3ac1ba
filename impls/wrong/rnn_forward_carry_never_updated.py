"""rnn_forward passes the old h on as the carry, so every step starts from h0."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("rnn_forward", caught_by="oracle", pitfall="hidden state never carried",
          why="step returns (h, h_new): W_h @ h0 at every step")


def rnn_forward(params, h0, xs):
    def step(h, x):
        h_new = jnp.tanh(params["W_h"] @ h + params["W_x"] @ x + params["b"])
        return h, h_new

    _, hs = jax.lax.scan(step, h0, xs)
    return hs
