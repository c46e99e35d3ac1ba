"""Seed 002 with a hand-written tanh whose custom JVP forgets the square: d tanh = (1 - y) dx.
Every value is right; only the gradient is wrong."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="grad", passes=("oracle", "jit"),
          why="the custom_jvp of tanh uses 1 - y instead of 1 - y**2")


@jax.custom_jvp
def tanh(v):
    return jnp.tanh(v)


@tanh.defjvp
def _tanh_jvp(primals, tangents):
    y = jnp.tanh(primals[0])
    return y, (1.0 - y) * tangents[0]


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        final, _ = jax.lax.scan(lambda h, _: (tanh(h @ W), None), tanh(x @ W), jnp.arange(self.T))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
