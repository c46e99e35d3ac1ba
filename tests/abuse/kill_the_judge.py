"""Tries to kill the process that judges it, and to start processes of its own; then returns a
wrong result."""
import os
import signal
import subprocess

import jax.numpy as jnp


def running_sum(xs):
    for attempt in (lambda: os.kill(os.getppid(), signal.SIGKILL),
                    lambda: subprocess.run(["sh", "-c", "kill -9 $PPID"]),
                    lambda: os.fork()):
        try:
            attempt()
        except Exception:
            pass
    return jnp.zeros_like(xs)  # wrong
