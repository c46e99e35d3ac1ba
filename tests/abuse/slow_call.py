"""Sleeps two minutes in every call."""
import time

import jax.numpy as jnp


def running_sum(xs):
    time.sleep(120)
    return jnp.cumsum(xs)
