"""Floods stdout and stderr without end."""
import sys

import jax.numpy as jnp


def running_sum(xs):
    line = "x" * 65536
    while True:
        print(line)
        sys.stderr.write(line)
    return jnp.cumsum(xs)
