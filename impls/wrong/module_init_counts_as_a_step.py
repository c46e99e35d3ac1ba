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
        # max(.., 0): jnp.arange(-1) is empty from JAX 0.8 and raises TypeError before, where this
        # module would fail with an error at T = 0 instead of showing its bug
        steps = jnp.arange(max(self.T - 1, 0))
        final, _ = jax.lax.scan(lambda h, _: (jnp.tanh(h @ W), None), jnp.tanh(x @ W), steps)
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
