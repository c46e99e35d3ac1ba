"""The warden: the process between the harness and the child that runs code under test.

`python -I -S scanprops/warden.py PARENT_PID FD,FD -- CHILD_ARGV...`, started by
scanprops/isolation.py. It makes itself a child subreaper (prctl), starts the child with the
given descriptors, and keeps none of them, so the harness sees the child's pipes close the moment
the child dies. Anything the child's descendants start, double-forked and `setsid` or not, is
re-parented here when its parent dies; when the child ends (or the harness asks with SIGTERM, or
dies: PR_SET_PDEATHSIG), the warden kills the child and every process re-parented to it, reaps
them all, and only then exits, with the child's own exit status (a signal is raised on itself
again), so nothing started from code under test outlives its child. The kernel's seccomp filter
in the child already refuses new processes; this is the layer for where it is missing or
switched off (SCANPROPS_SANDBOX_PROCESSES=1, see isolation.py).

Standard library and scanprops/confinement.py (loaded by its path) only, like the child.
"""
from __future__ import annotations

import importlib.util
import os
import resource
import signal
import subprocess
import sys


def _confinement():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "confinement.py")
    spec = importlib.util.spec_from_file_location("_scanprops_confinement", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    parent, fds, sep, *child = argv
    if sep != "--" or not child:
        print("usage: warden.py PARENT_PID FD,FD -- CHILD_ARGV...", file=sys.stderr)
        return 2
    confinement = _confinement()
    confinement.die_with_parent(int(parent))
    confinement.become_subreaper()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a signal raised again below dumps nothing
    passed = tuple(int(fd) for fd in fds.split(",") if fd)
    process = subprocess.Popen([*child, str(os.getpid())], pass_fds=passed, close_fds=True)
    for fd in passed:
        os.close(fd)

    def stop(signum, frame):
        try:
            process.kill()
        except OSError:
            pass

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stop)
    code = process.wait()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    confinement.kill_descendants()
    sys.stdout.flush()
    sys.stderr.flush()
    if code < 0:
        if -code not in (signal.SIGKILL, signal.SIGSTOP):  # those two have no handler to reset
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
