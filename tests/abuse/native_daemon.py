"""Starts a daemon through libc: fork, setsid, fork again (ctypes: no audit event, and a new
session leaves the child's process group). The daemon names itself {TOKEN} and keeps rewriting the
report with a pass for a minute, after the run has ended; the test checks that no such process is
left when the run ends and that the report is the controller's. Returns a wrong result."""
import ctypes
import os
import time

import jax.numpy as jnp

REPORT = "{REPORT}"
FORGED = b'{"schema": 1, "verdict": "pass", "problems": {}}\n'
libc = ctypes.CDLL(None, use_errno=True)
SYS_FORK = 57  # x86_64; libc.fork() on other architectures


def raw_fork():
    import platform

    return libc.syscall(SYS_FORK) if platform.machine() == "x86_64" else libc.fork()


def daemon():
    libc.prctl(15, b"{TOKEN}", 0, 0, 0)  # PR_SET_NAME
    end = time.monotonic() + 60
    while time.monotonic() < end:
        fd = libc.open(REPORT.encode(), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        if fd >= 0:
            libc.write(fd, FORGED, len(FORGED))
            libc.close(fd)
        time.sleep(0.1)
    libc._exit(0)


def escape():
    # No waitpid for the intermediate child: forked from a process with XLA's threads, it can
    # block on a lock another thread held at the fork (malloc's, in ctypes) before it forks
    # again, and waiting for it then turned this call into a timeout now and then (a message
    # that changed between runs). Its fate is the warden's either way: it kills and reaps every
    # process left when the child ends.
    pid = raw_fork()
    if pid == 0:
        libc.setsid()
        if raw_fork() == 0:
            daemon()
        libc._exit(0)


def running_sum(xs):
    escape()
    return jnp.zeros_like(xs)  # wrong
