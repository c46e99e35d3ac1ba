"""Seed 002 with the pre-activation clamped to [-3, 3] before tanh ("to avoid overflow")."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="oracle",
          why="tanh(clip(x @ W, -3, 3)): saturates at tanh(3) = 0.995 instead of 1 for large pre-activations")


def _act(z):
    return jnp.tanh(jnp.clip(z, -3.0, 3.0))  # "tanh overflows for big inputs"


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        init_carry = _act(x @ W)
        final, _ = jax.lax.scan(lambda h, _: (_act(h @ W), None), init_carry, jnp.arange(self.T))
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden=hidden, T=T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
