"""Kills its own process with SIGKILL in every call."""
import os
import signal

import jax.numpy as jnp


def running_sum(xs):
    os.kill(os.getpid(), signal.SIGKILL)
    return jnp.cumsum(xs)
