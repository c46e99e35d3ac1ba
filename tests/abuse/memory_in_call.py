"""Allocates gigabytes in every call."""
import jax.numpy as jnp
import numpy as np


def running_sum(xs):
    waste = np.ones(2**31)  # 16 GB of float64
    return jnp.cumsum(xs) + waste[0] - 1.0
