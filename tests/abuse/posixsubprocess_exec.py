"""Starts a program with _posixsubprocess.fork_exec, which raises no audit event: a shell that
sleeps with {TOKEN} on its command line; the test checks that no such process ever remains.
Returns a wrong result."""
import os

import jax.numpy as jnp


def escape():
    import _posixsubprocess

    args = [b"/bin/sh", b"-c", b"sleep 60; : {TOKEN}"]
    errpipe_read, errpipe_write = os.pipe()
    try:
        _posixsubprocess.fork_exec(
            args, [args[0]], True, (errpipe_write,), None, None, -1, -1, -1, -1, -1, -1,
            errpipe_read, errpipe_write, True, False, -1, None, None, None, -1, None, False)
    except Exception:
        pass
    finally:
        os.close(errpipe_read)
        os.close(errpipe_write)


def running_sum(xs):
    escape()
    return jnp.zeros_like(xs)  # wrong
