"""rnn_forward writes the recurrence as h @ W_h (row-vector habit), which is W_h.T @ h."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("rnn_forward", caught_by="oracle", pitfall="transposed recurrent weight",
          why="h @ W_h instead of W_h @ h")


def rnn_forward(params, h0, xs):
    def step(h, x):
        h_new = jnp.tanh(h @ params["W_h"] + params["W_x"] @ x + params["b"])
        return h_new, h_new

    _, hs = jax.lax.scan(step, h0, xs)
    return hs
