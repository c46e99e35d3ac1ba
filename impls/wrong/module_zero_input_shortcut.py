"""Seed 002 with a Python fast path: "tanh(0) = 0, so all-zero x needs no model". The values
are right, but the `if` needs a concrete x, so jax.jit (and vmap, and tracing) fails."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="jit", pitfall="Python control flow",
          passes=("oracle", "shape"), why="Python `if` on a traced value")


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        return jax.lax.scan(lambda h, _: (jnp.tanh(h @ W), None), jnp.tanh(x @ W), jnp.arange(self.T))[0]


def lax_scan_in_module(seed, x, hidden, T):
    if not jnp.any(x):
        return x
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
