"""Seed 002: "the initial tanh(x @ W) is step one", so the scan runs T - 1 steps."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="oracle", pitfall="one application too few",
          why="scans over jnp.arange(T - 1): T applications of tanh(. @ W) in all, not T + 1")


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        final, _ = jax.lax.scan(lambda h, _: (jnp.tanh(h @ W), None), jnp.tanh(x @ W), jnp.arange(self.T - 1))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
