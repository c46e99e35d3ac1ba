"""Seed 004's exercise: the RNN forward pass written three ways, with the same values.

(1) a Python `for`: traced once per step, so the program (and its compile time) grows with T;
(2) `lax.scan`: the seed's own version, one compiled loop whose body is traced once;
(3) `lax.fori_loop`: the same loop, indexing xs[t] and writing hs[t] into a preallocated buffer.

Each is pluggable on its own as `--impl impls/rnn_for.py`, `impls/rnn_scan.py` or
`impls/rnn_fori.py`; benchmarks/rnn_three_ways.py measures them side by side.
"""
from __future__ import annotations

import jax.numpy as jnp
from jax import lax

from impls.lesson_scan import rnn_cell
from impls.lesson_scan import rnn_forward as rnn_forward_scan


def rnn_forward_for(params, h0, xs):
    h, hs = h0, []
    for x in xs:
        h = rnn_cell(params, h, x)
        hs.append(h)
    # h0 stacked in front and dropped again covers T = 0 (jnp.stack([]) raises), and keeps the
    # empty result on h0's device (a fresh jnp.zeros would land on the default device)
    return jnp.stack([h0, *hs])[1:]


def rnn_forward_fori(params, h0, xs):
    def body(t, carry):
        h, hs = carry
        h = rnn_cell(params, h, xs[t])
        return h, hs.at[t].set(h)

    if xs.shape[0] == 0:  # the body is traced even for 0 trips, and xs[t] of an empty xs raises
        return h0[None][:0]  # empty, on h0's device (jnp.zeros_like(h0, shape=...) is there only from JAX 0.10)
    hs = jnp.zeros_like(h0, shape=(xs.shape[0], *h0.shape))
    _, hs = lax.fori_loop(0, xs.shape[0], body, (h0, hs))
    return hs


VERSIONS = {"python for": rnn_forward_for, "lax.scan": rnn_forward_scan, "lax.fori_loop": rnn_forward_fori}
