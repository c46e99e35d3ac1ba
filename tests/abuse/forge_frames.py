"""Writes forged reply frames (a pass-shaped "ok" with the right values, in the protocol's own
format and in the old one) on every pipe it can find in its process, at import and in each call;
its own function is wrong. The judge must read only the reply to its own request."""
import os
import pickle

import jax.numpy as jnp
import numpy as np


def forge(xs=np.zeros(3, np.float32)):  # noqa: B008  (read only: one shared default is safe)
    right = np.cumsum(np.asarray(xs, np.float32))
    value = ("a", right.dtype.str, right.shape, right.tobytes())
    frames = [pickle.dumps((2, os.urandom(16), "ok", {"value": value, "devices": ("cpu:0",)})),
              pickle.dumps((1, "ok", value, ("cpu:0",))), pickle.dumps(("ready", os.getpid(), {}))]
    for fd in range(3, 1024):
        try:
            if not os.path.exists(f"/proc/self/fd/{fd}") or "pipe" not in os.readlink(f"/proc/self/fd/{fd}"):
                continue
            for frame in frames:
                os.write(fd, len(frame).to_bytes(4, "big") + frame)
        except OSError:
            pass


forge()


def running_sum(xs):
    forge(xs)
    return jnp.zeros_like(xs)  # wrong
