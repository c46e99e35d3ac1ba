"""Writes a file outside its folder through libc's own open and write (ctypes: no audit event),
at import and in every call; the test checks from outside that the file never appears. Returns a
wrong result."""
import ctypes
import os

import jax.numpy as jnp

TARGET = b"{OUTSIDE}"
libc = ctypes.CDLL(None, use_errno=True)


def escape():
    fd = libc.open(TARGET, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    if fd >= 0:
        libc.write(fd, b"escaped\n", 8)
        libc.close(fd)
    # and by a path relative to a descriptor of the folder above (openat), as os.open(dir_fd=) does
    dir_fd = libc.open(os.path.dirname(TARGET), os.O_RDONLY | os.O_DIRECTORY)
    if dir_fd >= 0:
        fd = libc.openat(dir_fd, os.path.basename(TARGET), os.O_WRONLY | os.O_CREAT, 0o644)
        if fd >= 0:
            libc.write(fd, b"escaped\n", 8)
            libc.close(fd)
        libc.close(dir_fd)


escape()


def running_sum(xs):
    escape()
    return jnp.zeros_like(xs)  # wrong
