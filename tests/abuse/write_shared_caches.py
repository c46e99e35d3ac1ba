"""Writes into the folders other processes read: the runner's shared compile cache and the
judge's cache (the oracle's stored gradients), by path and through libc; the test checks from
outside that nothing of it is there. Its function is wrong under jit."""
import ctypes
import os

import jax
import jax.numpy as jnp

CACHE = "{CACHE}"
libc = ctypes.CDLL(None, use_errno=True)


def plant():
    for root, dirs, _ in os.walk(CACHE):
        for d in dirs:
            where = os.path.join(root, d, "planted-by-submission")
            try:
                with open(where, "w") as out:
                    out.write("x")
            except OSError:
                pass
            fd = libc.open(where.encode() + b"-libc", os.O_WRONLY | os.O_CREAT, 0o644)
            if fd >= 0:
                libc.close(fd)


plant()


def running_sum(xs):
    plant()
    if isinstance(xs, jax.core.Tracer):
        return jnp.zeros_like(xs)  # wrong under jit
    return jnp.cumsum(xs)
