"""Seed 002's first pitfall: an `nn.Dense` allocated inside the `lax.scan` body. Flax cannot
create a variable inside a raw JAX transformation, so init fails."""
import flax.linen as nn
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("lax_scan_in_module", caught_by="oracle", pitfall="UnexpectedTracerError",
          why="Flax variables must be created outside the raw lax.scan body")


class LaxScanModule(nn.Module):
    hidden: int
    T: int

    @nn.compact
    def __call__(self, x):
        W = self.param("W", nn.initializers.lecun_normal(), (self.hidden, self.hidden))

        def body(carry, _):
            return jnp.tanh(nn.Dense(self.hidden, use_bias=False)(carry)), None

        return jax.lax.scan(body, jnp.tanh(x @ W), jnp.arange(self.T))[0]


def lax_scan_in_module(seed, x, hidden, T):
    model = LaxScanModule(hidden, T)
    return model.apply(model.init(jax.random.PRNGKey(seed), x), x)
