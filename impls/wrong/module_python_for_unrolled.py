"""Seed 002 with a Python `for` over the T steps: right values, but the loop unrolls into T
copies of the step at trace time."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="structure", pitfall="unrolls",
          passes=("oracle", "jit", "grad"),
          why="only the structure property can see a Python loop: every value is right")


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        h = jnp.tanh(x @ W)
        for _ in range(self.T):
            h = jnp.tanh(h @ W)
        return h


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
