"""Seed 002's third pitfall: the scan body returns the new carry alone, not `(carry, None)`."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="oracle", pitfall="raised",
          why="lax.scan needs the body to return a (carry, output) pair")


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        final, _ = jax.lax.scan(lambda h, _: jnp.tanh(h @ W), jnp.tanh(x @ W), jnp.arange(self.T))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
