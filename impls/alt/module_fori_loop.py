"""Seed 002 with `lax.fori_loop` over the T steps instead of a scan with a dummy xs."""
import flax.linen as nn
import jax
import jax.numpy as jnp


class LaxFori(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        return jax.lax.fori_loop(0, self.T, lambda _, h: jnp.tanh(h @ W), jnp.tanh(x @ W))


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxFori(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
