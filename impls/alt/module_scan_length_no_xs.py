"""Seed 002 with `lax.scan(body, init, xs=None, length=T)`: the loop count without a dummy
`jnp.arange(T)`."""
import flax.linen as nn
import jax
import jax.numpy as jnp


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))
        final, _ = jax.lax.scan(lambda h, _: (jnp.tanh(h @ W), None), jnp.tanh(x @ W), None, length=self.T)
        return final


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
