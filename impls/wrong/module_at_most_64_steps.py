"""Seed 002 whose scan runs at most 64 steps (length=min(T, 64))."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="oracle",
          why="jax.lax.scan(..., length=min(T, 64)): for T > 64 the last T - 64 steps never run")

MAX_T = 64


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        init_carry = jnp.tanh(x @ W)
        final, _ = jax.lax.scan(lambda h, _: (jnp.tanh(h @ W), None), init_carry, None,
                                length=min(self.T, MAX_T))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden=hidden, T=T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
