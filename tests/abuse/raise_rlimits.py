"""Raises its own resource limits (as root, setrlimit and prlimit may raise the hard limit) and
then holds 3 GB: the memory limit must still stop it. Returns a wrong result anyway."""
import resource

import jax.numpy as jnp
import numpy as np

HELD = []


def running_sum(xs):
    for limit in (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE, resource.RLIMIT_NPROC):
        try:
            resource.setrlimit(limit, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        except (OSError, ValueError):
            pass
        try:
            resource.prlimit(0, limit, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        except (OSError, ValueError):
            pass
    HELD.append(np.ones(3 * 2**30 // 8))
    return jnp.zeros_like(xs)  # wrong
