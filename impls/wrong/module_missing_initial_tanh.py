"""Seed 002: the scan starts from x itself, so the initial `tanh(x @ W)` is missing and the
result is one application of tanh(. @ W) short."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="oracle", pitfall="one application too few",
          why="init_carry = x instead of tanh(x @ W)")


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        final, _ = jax.lax.scan(lambda h, _: (jnp.tanh(h @ W), None), x, jnp.arange(self.T))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
