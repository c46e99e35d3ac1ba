"""Seed 002 in the column-vector convention: `W @ h` where the seed multiplies `h @ W`."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="oracle", pitfall="transposed W",
          why="tanh(W @ h) is tanh(h @ W.T)")


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        final, _ = jax.lax.scan(lambda h, _: (jnp.tanh(W @ h), None), jnp.tanh(W @ x), jnp.arange(self.T))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
