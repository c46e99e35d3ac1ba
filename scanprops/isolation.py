"""Calls that may never return run in a child process, under a hard deadline.

An XLA while_loop whose condition never becomes false cannot be interrupted from inside the
process (no signal reaches the compiled loop; pytest-timeout could only kill the whole worker),
so `Seam.run` sends every call of a `may_not_terminate` row here. One persistent child per
process (per pytest worker) runs `scanprops.seam.execute` on the described call and sends back
its Outcome, or the ImplFailure the call produced. A call that runs past the deadline gets the
child killed and fails with CallTimeout; a child that dies (os._exit, a crash) fails the call
too. Either way the next call starts a fresh child. The child is a new interpreter, never a fork
(the parent's JAX has threads running), started with subprocess rather than multiprocessing's
spawn, which would re-run the parent's main script in it (a grader's script, or `<stdin>`). It
gets the parent's import path, forces the parent's CPU device count before JAX starts, and
re-imports the implementation from `module_ref`; requests and replies are pickled over two pipes
of its own (multiprocessing's Connection), so whatever the code under test prints goes to the
usual stdout and stderr.

Hypothesis shrinks a failing input by trying others, and on code that hangs each try would cost
a full deadline. So once a function has run past its deadline in a pytest test, its calls on
new inputs in that test are not run: inside a Hypothesis test they are rejected (invalid
examples, which the shrinker discards, so the input reported is one that really hung), elsewhere
they fail at once. Repeating a call that hung fails at once, in any test; repeating one that
returned runs it again.

The deadline is SCANPROPS_CALL_DEADLINE seconds (default 20), far above what any call here
needs (well under 1 s, compiling included).
"""
from __future__ import annotations

import atexit
import importlib.machinery
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from scanprops.cases import Case
from scanprops.seam import How, ImplFailure

DEADLINE_S = float(os.environ.get("SCANPROPS_CALL_DEADLINE", "20"))
START_LIMIT_S = 180.0  # starting a child and importing the implementation (JAX, Flax) into it


class CallTimeout(ImplFailure):
    """The call did not return within the deadline (its process was killed)."""

    def __init__(self, function: str, deadline: float):
        super().__init__(
            f"{function} did not finish within {deadline:g} s",
            f"The call ran in a separate process, which was stopped after {deadline:g} s. A loop whose "
            "condition never becomes false runs forever: a while_loop without an iteration cap, or "
            "with a stopping test that float32 can never meet.",
        )
        self.deadline = deadline


def module_ref(module: Any) -> str:
    """How a child imports `module`: its dotted name when the import system finds this very file
    under that name, else the file's path (a learner's file loaded with --impl path.py)."""
    name = module.__name__
    origin = getattr(getattr(module, "__spec__", None), "origin", None) or getattr(module, "__file__", None)
    parent, _, last = name.rpartition(".")
    search = getattr(sys.modules.get(parent), "__path__", None) if parent else None
    spec = importlib.machinery.PathFinder.find_spec(last if parent else name, search)
    if spec is not None and spec.origin == origin:
        return name
    if origin and os.path.isfile(origin):
        return origin
    raise ImplFailure(f"{name} cannot be imported again in a separate process: it has no file.")


class Executor:
    """A persistent child process that runs described calls, and the memory of calls that hung."""

    def __init__(self, deadline: float = DEADLINE_S):
        self.deadline = deadline
        self._process: subprocess.Popen | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._loaded: set[str] = set()
        self._timed_out: dict[bytes, CallTimeout] = {}  # every call that hung, in any test
        self._test: str | None = None  # the pytest test the next two describe
        self._hung: dict[tuple[str, str], str] = {}  # (module, function) -> the call that hung
        self._returned: set[bytes] = set()  # calls that returned (so they are run again if asked)

    def run(self, module: Any, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
        ref = module_ref(module)
        key = pickle.dumps((ref, function, case, how))
        if key in self._timed_out:
            raise self._timed_out[key]
        test = _current_test()
        if test != self._test:
            self._test, self._hung, self._returned = test, {}, set()
        hung = self._hung.get((ref, function))
        if hung is not None and key not in self._returned:  # a call that returned before runs again:
            _reject_if_in_hypothesis()  # Hypothesis requires the same verdict when it replays one
            raise ImplFailure(f"{function} was not called: on another input it did not finish within "
                              f"{self.deadline:g} s ({hung})")
        try:
            result = self._request(("call", ref, function, static, case, how), function, ref)
        except CallTimeout as exc:
            self._timed_out[key] = exc
            if test is not None:
                self._hung[(ref, function)] = case.call_text(function)
            raise
        except ImplFailure:
            self._returned.add(key)
            raise
        self._returned.add(key)
        return result

    def close(self) -> None:
        self._stop()

    # --- the child ---------------------------------------------------------------------------
    def _request(self, message: tuple, function: str, ref: str) -> Any:
        if self._process is None or self._process.poll() is not None:
            self._start()
        if ref not in self._loaded:
            self._exchange(("load", ref), START_LIMIT_S, f"importing {ref}")
            self._loaded.add(ref)
        return self._exchange(message, self.deadline, function)

    def _exchange(self, message: tuple, limit: float, function: str) -> Any:
        try:
            self._requests.send(message)
            if not self._replies.poll(limit):
                self._stop()
                raise CallTimeout(function, limit)
            kind, *payload = self._replies.recv()
        except (EOFError, OSError):
            code = self._stop(grace=5.0)
            raise ImplFailure(
                f"the process running {function} died (exit code {code})",
                "os._exit, a crash in native code, or running out of memory ends the process.",
            ) from None
        except BaseException:  # interrupted (pytest-timeout, Ctrl-C): its late reply must not
            self._stop()  # answer the next call
            raise
        if kind == "ok":
            return payload[0]
        raise ImplFailure(*payload)

    def _start(self) -> None:
        self._stop()
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        boot = ("import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
                "from scanprops.isolation import _child_main; _child_main(*map(int, sys.argv[2:]))")
        args = [json.dumps([str(p) for p in sys.path]), child_reads, child_writes, _cpu_device_count(), os.getpid()]
        self._process = subprocess.Popen([sys.executable, "-c", boot, *map(str, args)],
                                         pass_fds=(child_reads, child_writes), stdin=subprocess.DEVNULL)
        os.close(child_reads)
        os.close(child_writes)
        self._requests = Connection(parent_writes, readable=False)
        self._replies = Connection(parent_reads, writable=False)
        self._loaded = set()
        try:
            started = self._replies.poll(START_LIMIT_S) and self._replies.recv()
        except EOFError:
            started = False
        if not started:
            raise ImplFailure(f"the process for isolated calls did not start (exit code {self._stop(grace=5.0)})")

    def _stop(self, grace: float = 0.0) -> int | None:
        """Kill the child (after `grace` seconds to exit by itself); its exit code."""
        for conn in (self._requests, self._replies):
            if conn is not None:
                conn.close()
        process, self._process, self._requests, self._replies = self._process, None, None, None
        if process is None:
            return None
        try:
            return process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()  # SIGKILL: a compiled loop ignores anything gentler
            return process.wait()


def _cpu_device_count() -> int:
    import jax

    return len(jax.devices("cpu"))


def _current_test() -> str | None:
    """The running pytest test (pytest sets this variable), without its phase."""
    current = os.environ.get("PYTEST_CURRENT_TEST")
    return current.rsplit(" (", 1)[0] if current else None


def _reject_if_in_hypothesis() -> None:
    from hypothesis import currently_in_test_context, reject

    if currently_in_test_context():
        reject()


def _exit_with_parent(parent_pid: int) -> None:
    """A child stuck in a loop outlives nobody: leave when the parent is gone (compiled code
    releases the GIL, so this thread runs while a loop spins)."""
    while os.getppid() == parent_pid:
        time.sleep(1.0)
    os._exit(1)


def _child_main(read_fd: int, write_fd: int, cpu_devices: int, parent_pid: int) -> None:
    from scanprops import devices

    devices.force_cpu_devices(cpu_devices)  # before JAX's backends start
    threading.Thread(target=_exit_with_parent, args=(parent_pid,), daemon=True).start()
    import jax

    from scanprops import loading
    from scanprops.seam import execute

    requests, replies = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    jax.devices()  # start the backend now, not inside the first call's deadline
    replies.send(("ready",))
    modules: dict[str, Any] = {}
    while True:
        try:
            message = requests.recv()
        except (EOFError, OSError):
            return
        try:
            if message[0] == "load":
                modules[message[1]] = loading.load(message[1])
                reply = ("ok", None)
            else:
                _, ref, function, static, case, how = message
                reply = ("ok", execute(getattr(modules[ref], function), function, static, case, how))
        except ImplFailure as exc:
            reply = ("fail", exc.summary, exc.detail)
        except loading.ImplLoadError as exc:
            reply = ("fail", str(exc), "")
        try:
            replies.send(reply)
        except Exception as exc:  # an unpicklable result
            replies.send(("fail", f"the result could not be sent back from the isolated process: {exc}", ""))


_EXECUTOR: Executor | None = None


def execute(module: Any, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
    """`scanprops.seam.execute` for `module.function`, in this process's isolated child."""
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = Executor()
        atexit.register(_EXECUTOR.close)
    return _EXECUTOR.run(module, function, static, case, how)
