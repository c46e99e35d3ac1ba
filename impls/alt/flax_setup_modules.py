"""Both Flax rows with modules written with `setup()` instead of `@nn.compact`.

Submodule and parameter names are the seeds' ("W"; the GRU's "ir", "iz", "in", "hr", "hz",
"hn"), so Flax derives the same initial values from PRNGKey(seed) as for the compact modules.
"""
from functools import partial

import flax.linen as nn
import jax
import jax.numpy as jnp


class LaxScanSetup(nn.Module):
    hidden: int
    T: int

    def setup(self):
        self.W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))

    def __call__(self, x):
        def body(carry, _):
            return jnp.tanh(carry @ self.W), None

        return jax.lax.scan(body, jnp.tanh(x @ self.W), jnp.arange(self.T))[0]


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanSetup(hidden=hidden, T=T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)


class GRUSetup(nn.Module):
    """Flax's GRUCell equations, with its denses declared in setup()."""

    features: int

    def setup(self):
        dense_i = partial(nn.Dense, self.features)
        dense_h = partial(nn.Dense, self.features, use_bias=False, kernel_init=nn.initializers.orthogonal())
        self.ir, self.iz, self.i_n = dense_i(name="ir"), dense_i(name="iz"), dense_i(name="in")
        self.hr, self.hz, self.hn = dense_h(name="hr"), dense_h(name="hz"), dense_h(name="hn", use_bias=True)

    def __call__(self, h, x):
        r = nn.sigmoid(self.ir(x) + self.hr(h))
        z = nn.sigmoid(self.iz(x) + self.hz(h))
        n = jnp.tanh(self.i_n(x) + r * self.hn(h))
        new_h = (1.0 - z) * n + z * h
        return new_h, new_h


def scan_rnn_forward(seed, x, hidden):
    cell = nn.scan(GRUSetup, variable_broadcast="params", split_rngs={"params": False},
                   in_axes=0, out_axes=0)(features=hidden)
    carry = jnp.zeros((hidden,))
    params = cell.init(jax.random.PRNGKey(seed), carry, x)
    return cell.apply(params, carry, x)[0]
