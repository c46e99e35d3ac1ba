"""Attacks the process above it without an audit event: ptrace(PTRACE_ATTACH) and
process_vm_writev on its parent, pidfd_open and pidfd_send_signal(SIGKILL) to it and to the
parent's parent, kill through libc. Returns a wrong result; the test checks that the run
still ends with the oracle's verdict, not a crash of the judge."""
import ctypes
import os
import signal

import jax.numpy as jnp

libc = ctypes.CDLL(None, use_errno=True)


def parents():
    found = [os.getppid()]
    try:
        with open(f"/proc/{found[0]}/stat") as stat:
            found.append(int(stat.read().rsplit(")", 1)[1].split()[1]))
    except (OSError, ValueError, IndexError):
        pass
    return found


def escape():
    for pid in parents():
        libc.ptrace(16, pid, 0, 0)  # PTRACE_ATTACH
        buffer = ctypes.create_string_buffer(8)
        local = (ctypes.c_void_p * 2)(ctypes.cast(buffer, ctypes.c_void_p), 8)
        remote = (ctypes.c_void_p * 2)(0x400000, 8)
        libc.syscall(311, pid, local, 1, remote, 1, 0)  # process_vm_writev (x86_64)
        try:
            fd = os.pidfd_open(pid)
            signal.pidfd_send_signal(fd, signal.SIGKILL)
        except OSError:
            pass
        libc.kill(pid, signal.SIGKILL)


def running_sum(xs):
    escape()
    return jnp.zeros_like(xs)  # wrong
