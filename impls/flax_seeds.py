"""Seeds 002 and 003: lax.scan inside a Flax module, and nn.scan over a GRU cell, exactly as
the seeds write them.

At T = 0 both run as written: `jax.lax.scan` over `jnp.arange(0)` returns its initial carry
(so `lax_scan_in_module` gives `tanh(x @ W)`), and `nn.scan` initialises the GRU's parameters
from the carry and the input shape alone and returns the zero carry for an empty (0, D) input.
"""
from __future__ import annotations

import flax.linen as nn
import jax
import jax.numpy as jnp

__all__ = ["lax_scan_in_module", "scan_rnn_forward"]


# --- seed 002: jax.lax.scan inside a Flax module ---------------------------------------------
class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        H = self.hidden
        W = self.param("W", nn.initializers.lecun_normal(), (H, H))
        init_carry = jnp.tanh(x @ W)

        def body(carry, _):
            new_carry = jnp.tanh(carry @ W)
            return new_carry, None

        final, _ = jax.lax.scan(body, init_carry, jnp.arange(self.T))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden=hidden, T=T)
    params = model.init(jax.random.PRNGKey(seed), x)
    return model.apply(params, x)


# --- seed 003: nn.scan over a GRU cell -------------------------------------------------------
ScanGRU = nn.scan(
    nn.GRUCell,
    variable_broadcast="params",
    split_rngs={"params": False},
    in_axes=0,
    out_axes=0,
)


def scan_rnn_forward(seed, x, hidden):
    cell = ScanGRU(features=hidden)
    init_carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), init_carry, x)
    final_carry, _ = cell.apply(params, init_carry, x)
    return final_carry.reshape(-1)
