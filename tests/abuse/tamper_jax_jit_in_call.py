"""Replaces jax.jit with the identity from inside its first call, so `jit(f)` would be f."""
import jax
import jax.numpy as jnp


def running_sum(xs):
    jax.jit = lambda f, *args, **kwargs: f
    return jnp.cumsum(xs)
