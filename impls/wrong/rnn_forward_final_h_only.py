"""rnn_forward returns the final hidden state instead of every hidden state."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("rnn_forward", caught_by="shape", why="returns final_h (H,), not hs (T, H)")


def rnn_forward(params, h0, xs):
    def step(h, x):
        h_new = jnp.tanh(params["W_h"] @ h + params["W_x"] @ x + params["b"])
        return h_new, h_new

    final_h, hs = jax.lax.scan(step, h0, xs)
    return final_h
