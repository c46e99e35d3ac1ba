"""Seed 003 with the GRU equations written out in a `lax.scan` body, on the parameters the
seed's nn.scan(GRUCell) initialises."""
import jax
import jax.numpy as jnp

from impls.flax_seeds import ScanGRU


def scan_rnn_forward(seed, x, hidden):
    h0 = jnp.zeros((hidden,))
    p = ScanGRU(features=hidden).init(jax.random.PRNGKey(seed), h0, x)["params"]

    def step(h, x_t):
        r = jax.nn.sigmoid(x_t @ p["ir"]["kernel"] + p["ir"]["bias"] + h @ p["hr"]["kernel"])
        z = jax.nn.sigmoid(x_t @ p["iz"]["kernel"] + p["iz"]["bias"] + h @ p["hz"]["kernel"])
        n = jnp.tanh(x_t @ p["in"]["kernel"] + p["in"]["bias"] + r * (h @ p["hn"]["kernel"] + p["hn"]["bias"]))
        return (1.0 - z) * n + z * h, None

    return jax.lax.scan(step, h0, x)[0]

