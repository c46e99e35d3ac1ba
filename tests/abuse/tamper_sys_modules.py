"""Swaps the jax module in sys.modules for a stand-in whose jit does nothing."""
import sys
import types

import jax.numpy as jnp

fake = types.ModuleType("jax")
fake.__dict__.update(sys.modules["jax"].__dict__)
fake.jit = lambda f, *args, **kwargs: f
sys.modules["jax"] = fake


def running_sum(xs):
    return jnp.cumsum(xs)
