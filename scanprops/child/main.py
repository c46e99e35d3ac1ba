"""The sandboxed process that runs code under test, and the runner: the entry point of both.

A script, run by its path, never imported by name: `python -I -S scanprops/child/main.py
READ_FD WRITE_FD WARDEN_PID` (scanprops/isolation.py starts it under its warden). Its start-up
message says which role it has: a submission's child, which imports the implementation, runs the
described calls and exports programs; or the runner (`role: runner`), a process that never
imports a submission and only deserializes, checks and runs the programs the submissions'
children export (scanprops/child/programs.py). Its frames are scanprops/wire.py's records.

Nothing here imports scanprops, Hypothesis or pytest: this folder's modules and wire.py and
confinement.py beside it are loaded by their path (`load_package`, `load_file`) under private
names and taken out of sys.modules again, so a submission that looks into `sys.modules` sees JAX,
NumPy and the standard library, never the harness. The judge sends requests as plain data over a
pipe; this process sends back only builtins (scanprops/child/values.py), which the judge unpickles
with a loader that refuses every class.

Before the submission is imported, this process:
- dies with its warden (PR_SET_PDEATHSIG; the warden, scanprops/warden.py, started it);
- takes its import path from the judge (site-packages and the submission's folder; the harness's
  own folders only for the harness's own implementations) and writes no bytecode;
- loads all of its own code, before the kernel's layers hide the harness's folders from it;
- applies the kernel's layers of scanprops/confinement.py: a network namespace and Landlock's
  file rules (sent by the judge) before JAX starts its threads, the seccomp filter after the
  resource limits are set; its first reply says which it applied;
- points JAX's compilation cache at the folder the judge sent, or turns it off
  (scanprops/child/jax_cache.py; in a learner's run each function's calls use the folder the
  judge sent for that function), binds the JAX and NumPy callables it uses itself
  (scanprops/child/bound.py), sets the resource limits and installs the guard and the audit hook
  (scanprops/child/guards.py, where every rule is written).
"""
from __future__ import annotations

import os
import sys

PACKAGE = "_scanprops_child"  # the private name this folder is loaded under
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.dirname(HERE)  # wire.py and confinement.py, which the judge uses too
MODULES = ("bound", "failures", "values", "calls", "programs", "importing", "guards", "jax_cache", "tally")


def load_file(name: str):
    """scanprops/<name>.py, by its path, under a private name and outside sys.modules."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"_scanprops_{name}", os.path.join(SHARED, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_package():
    """This folder as the package PACKAGE, its MODULES imported (they import one another
    relatively, at their top: none imports JAX there), then taken out of sys.modules again; the
    package, whose attributes are the modules."""
    import importlib
    import importlib.util

    spec = importlib.util.spec_from_file_location(PACKAGE, os.path.join(HERE, "__init__.py"),
                                                  submodule_search_locations=[HERE])
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    try:
        spec.loader.exec_module(package)
        for name in MODULES:
            importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]
        sys.path_importer_cache.pop(HERE, None)
    return package


def own_code(*loaded) -> tuple[str, ...]:
    """The files this process runs from (its tracebacks read them): this folder's and the shared
    modules it loaded."""
    return tuple(os.path.join(HERE, n) for n in sorted(os.listdir(HERE)) if n.endswith(".py")) + tuple(
        m.__file__ for m in loaded)


def exit_with_parent(parent_pid: int) -> None:
    import time

    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def hide_pipes(read_fd: int, write_fd: int) -> tuple[int, int]:
    """The protocol's descriptors moved to unremarkable high numbers (close-on-exec), the
    originals closed and the command line that named them scrubbed. Defence in depth only: code
    in this process can still find them; what it could forge there is a claim (see wire.py)."""
    import fcntl
    import random

    moved = []
    for fd in (read_fd, write_fd):
        moved.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, random.randrange(200, 900)))
        os.close(fd)
    sys.argv[1:] = []
    return moved[0], moved[1]


def confine_early(confinement, sandbox: dict) -> dict:
    """The layers that bind only this thread and what it starts, applied before JAX starts its
    threads; seccomp only loads its library here (its filter comes after the resource limits).
    Each layer's outcome: True or its ABI, or why it is missing (never fail open silently)."""
    wanted = sandbox["apply"]
    off = "switched off (SCANPROPS_SANDBOX_LAYERS)"
    layers = {"seccomp": (confinement.seccomp_available() or "pending") if "seccomp" in wanted else off}
    if "netns" in wanted:
        try:
            confinement.enter_netns()
            layers["netns"] = True
        except (confinement.Refused, OSError) as exc:
            layers["netns"] = f"not permitted here: {exc}"
    else:
        layers["netns"] = off
    if "landlock" in wanted:
        try:
            layers["landlock"] = confinement.restrict_files(**sandbox["files"])
        except (confinement.Refused, OSError) as exc:
            layers["landlock"] = str(exc)
    else:
        layers["landlock"] = off
    return layers


# --- what each role answers -----------------------------------------------------------------------
def submission_answers(wire, child, modules: dict, tally, folders=None) -> dict:
    """{request record: its answer} for a submission's child; `modules` are the imported ones;
    `folders` (a FolderPerFunction, or None) chooses each function's compile-cache folder."""
    calls, values, importing = child.calls, child.values, child.importing
    enter = folders.enter if folders is not None else (lambda function: None)

    def load(request):
        modules[request.spec] = importing.load(request.spec, request.label)
        return wire.Ok(None, ())

    def stats(request):
        return wire.Ok(tally.take() if tally is not None else None, ())

    def inspect(request):
        return wire.Ok(importing.inspect_module(modules[request.spec], request.catalog, wire.MAX_TEXT), ())

    def call(request):
        enter(request.function)
        fn = getattr(modules[request.spec], request.function)
        args = [values.decode_arg(v) for v in request.values]
        return wire.Ok(*calls.run_call(fn, request.function, request.static, request.names, args,
                                       values.decode_how(request.how)))

    def export(request):
        enter(request.function)
        fn = getattr(modules[request.spec], request.function)
        args = [values.decode_arg(v) for v in request.values]
        return wire.Ok(calls.export_call(fn, request.function, request.static, request.names, args, request.how), ())

    return {wire.Load: load, wire.Stats: stats, wire.Inspect: inspect, wire.Call: call, wire.Export: export}


def runner_answers(wire, child) -> dict:
    """{request record: its answer} for the runner: programs only."""
    programs, values = child.programs, child.values

    def run(request):
        args = [values.decode_arg(v) for v in request.values]
        return wire.Ok(*programs.run_program(request.program, request.function, request.kind, request.wrt, args))

    def inspect_program(request):
        args = [values.decode_arg(v) for v in request.values]
        return wire.Ok(programs.inspect_program(request.program, request.function, args), ())

    return {wire.Run: run, wire.InspectProgram: inspect_program}


def main(read_fd: int, write_fd: int, warden_pid: int | None = None) -> None:
    import threading
    from multiprocessing.connection import Connection

    sys.dont_write_bytecode = True
    streams = (sys.stdout, sys.stderr)  # the pipes to the judge's drains, bound before any submission code runs
    wire = load_file("wire")
    read_fd, write_fd = hide_pipes(read_fd, write_fd)
    requests, replies = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    start_nonce, start = wire.decode_request(requests.recv_bytes())
    config = start.settings
    confinement = load_file("confinement")
    parent = warden_pid or config["parent_pid"]
    confinement.die_with_parent(parent)
    sys.path[:] = config["path"]
    child = load_package()  # all of this process's code, before Landlock hides the harness's folders
    guards = child.guards
    readable = own_code(wire, confinement)
    user_tasks = guards.user_tasks()  # other processes' /proc entries are unreadable from here on
    layers = confine_early(confinement, config["sandbox"])
    threading.Thread(target=exit_with_parent, args=(parent,), daemon=True).start()
    import jax as _jax

    try:
        _jax.config.update("jax_num_cpu_devices", config["cpu_devices"])
    except (AttributeError, RuntimeError, KeyError):
        pass  # older jax: XLA_FLAGS (set by the judge) does it
    tally = None
    if config.get("compile_stats"):  # the speed benchmark's counts (off in every verification run)
        tally = child.tally.CompileTally()
        if not tally.install(_jax):
            tally = None
    cache_dir = config.get("compile_cache")
    cache_dirs = (cache_dir, *(config.get("compile_cache_functions") or {}).values())
    if not child.jax_cache.use_compile_cache(_jax, cache_dir):
        cache_dir, cache_dirs = None, ()
    folders = child.jax_cache.FolderPerFunction(_jax, cache_dir, config.get("compile_cache_functions"))
    child.bound.bind()
    _jax.devices()  # start the backend now, not inside the first call's deadline
    runner = config.get("role") == "runner"
    if runner:
        child.programs.prepare(_jax)
    guards.limit_resources(config, user_tasks)
    if layers["seccomp"] == "pending":  # after the limits are set (it refuses raising them); every thread
        try:
            confinement.filter_syscalls(own_pid=os.getpid(), allow_processes=config["sandbox"]["processes"])
            layers["seccomp"] = True
        except Exception as exc:  # noqa: BLE001  (reported, and --require-sandbox refuses the run)
            layers["seccomp"] = f"the filter could not be loaded: {exc}"
    guard = guards.Guard(child.bound.ORIG["array_type"])
    guards.install_audit_hook(guard.attempts, config["trusted"], config["harness_dirs"], os.getcwd(), cache_dirs,
                              readable)
    send = replies.send_bytes
    send(wire.encode(start_nonce, wire.Ready(os.getpid(), layers)))
    modules: dict = {}
    answers = runner_answers(wire, child) if runner else submission_answers(wire, child, modules, tally, folders)
    failures, importing = child.failures, child.importing

    def verdict_after():
        """A reply that overrides the call's: answer-key attempts and tampering."""
        if guard.attempts:
            return wire.AnswerKey("; ".join(dict.fromkeys(guard.attempts))[:wire.MAX_TEXT])
        changed = guard.changes()
        if changed:
            return wire.Tampered(", ".join(changed)[:wire.MAX_TEXT])
        return None

    while True:
        try:
            nonce, request = wire.decode_request(requests.recv_bytes())
        except (EOFError, OSError):
            return
        answer = answers.get(type(request))
        try:
            if answer is None:
                role = "the runner runs programs only" if runner else "this process runs no programs"
                reply = wire.Fail(f"{role}: not {type(request).__name__}", "")
            else:
                reply = answer(request)
        except importing.LoadError as exc:
            reply = wire.NotImported(str(exc)[:wire.MAX_TEXT])
        except failures.MemoryLimit as exc:
            reply = wire.OutOfMemory(exc.summary[:wire.MAX_TEXT])
        except failures.CallError as exc:
            reply = wire.Fail(exc.summary[:wire.MAX_TEXT], exc.detail[:wire.MAX_TEXT])
        except BaseException as exc:  # noqa: BLE001  (the harness's own code failed: say so)
            reply = wire.Fail(f"the isolated process failed: {type(exc).__name__}: {failures.first_line(exc)}", "")
        reply = verdict_after() or reply
        for stream in streams:  # what the call printed reaches the judge's drain before its reply
            try:
                stream.flush()
            except Exception:  # noqa: BLE001  (a closed stream: nothing to show)
                pass
        try:
            data = wire.encode(nonce, reply)
        except Exception as exc:  # noqa: BLE001
            data = wire.encode(nonce, wire.Fail(f"the result could not be sent back: {exc}", ""))
        send(data)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
