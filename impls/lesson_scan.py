"""Seed 004, the scan rows: running sums, EMA, an RNN forward pass, shared layers.

Exactly as the seed writes them (the seed's `custom_cumsum` and `running_sum` are the same
scan, written twice in the lesson; both are catalog rows).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["running_sum", "custom_cumsum", "ema", "rnn_forward", "apply_shared_layers"]


# --- "Code": running sum ----------------------------------------------------------------------
def running_sum(xs):
    def step(carry, x):
        new_carry = carry + x
        return new_carry, new_carry  # (new_carry, output)

    final_carry, outputs = jax.lax.scan(step, init=0.0, xs=xs)
    return outputs


# --- "cumsum 같은 누적": generalised accumulation ---------------------------------------------
def custom_cumsum(xs):
    def step(acc, x):
        new_acc = acc + x
        return new_acc, new_acc

    _, cumulative = jax.lax.scan(step, 0.0, xs)
    return cumulative


def ema(xs, alpha=0.1):
    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, smooth = jax.lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], smooth])


# --- "RNN 구현" ---------------------------------------------------------------------------------
def rnn_cell(params, h, x):
    """One step."""
    h_new = jnp.tanh(params["W_h"] @ h + params["W_x"] @ x + params["b"])
    return h_new


def rnn_forward(params, h0, xs):
    """xs: (T, input_dim), a sequence."""
    def step(h, x):
        h_new = rnn_cell(params, h, x)
        return h_new, h_new  # carry: the hidden state; output: the hidden state too

    final_h, hs = jax.lax.scan(step, h0, xs)
    return hs  # (T, hidden_dim)


# --- "Code": N identical layers (weight sharing) ------------------------------------------------
def apply_shared_layers(params, x, num_layers):
    def layer_fn(x, _):
        x = jax.nn.relu(x @ params['w'] + params['b'])
        return x, None  # carry = next input, no per-step output

    final_x, _ = jax.lax.scan(layer_fn, x, xs=None, length=num_layers)
    return final_x
