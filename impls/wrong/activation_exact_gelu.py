"""activation with the exact (erf) gelu: jax.nn.gelu's default is the tanh approximation."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("activation", caught_by="oracle", pitfall="exact gelu", why="gelu(approximate=False)")


def activation(x, choice):
    return jax.lax.switch(
        choice,
        [jax.nn.relu, lambda x: jax.nn.gelu(x, approximate=False), jnp.tanh, jax.nn.swish],
        x,
    )
