"""Every call of code under test runs in a sandboxed child process, under a hard deadline.

The pytest controller and workers never import the implementation under test. `Seam.run` sends
each described call here; one persistent child per process (per pytest worker) imports the
implementation once and runs the plain and device calls. For jit, grad, vmap and structure the
child only exports the transformation with jax.export, from the inputs' shapes (never their
values), once per signature; a second child, the runner, which never imports a submission, runs
those programs on the inputs this process sends it (`Executor._run_exported`), so those verdicts
rest on programs and values, not on what the submission's process says. The frames on every
pipe are scanprops/wire.py's records. Both children run scanprops/child/main.py, a script started
by its path with `python -I -S` (a new interpreter, never a fork: the parent's JAX has threads
running; and not multiprocessing's spawn, which would re-run the parent's main script), in a
fresh temporary folder, with an environment of its own (no PYTEST_*, no SCANPROPS_*, no report
path), stdin closed and its stdout and stderr drained into a small buffer. Between this process
and the child runs the
warden (scanprops/warden.py, a child subreaper): stopping a child means asking the warden, which
kills the child and everything it started. The child's kernel layers (scanprops/confinement.py:
Landlock, seccomp, a network namespace) come with the file rules written here, in its start-up
message; its first reply says which it applied, checked where the kernel shows them
(`_checked_layers`), and `Executor.layers` keeps that. Its limits and Python guards are described
in scanprops/child/guards.py; their sizes are set here (environment variables, below).

Only data comes back: the child sends builtins (numbers, strings, tuples, lists, dicts, bytes)
and this side unpickles them with a loader that refuses every class (scanprops/wire.py), then
rebuilds NumPy arrays from raw bytes of an allowed numeric dtype, in the structure the call kind
allows (scanprops/payloads.py).

A call that runs past its deadline gets the child killed and fails with CallTimeout; a child that
dies (os._exit, a crash, a signal, a resource limit) fails the call too; either way the next call
starts a fresh child. Tampering (a changed JAX/NumPy/builtins attribute) and importing or reading
the harness's reference implementations (the answer key) are not failures of one property but of
the whole submission: they raise SubmissionError, every later call in this process raises it
again at once, and the report says `error`. The run's time budget (--time-budget) bounds every
call's deadline; past it, calls raise BudgetSpent (`error`).

Hypothesis shrinks a failing input by trying others, and on code that hangs each try would cost
a full deadline. So once a function has run past its deadline in a pytest test, its calls on
new inputs in that test are not run: inside a Hypothesis test they are rejected (invalid
examples, which the shrinker discards, so the input reported is one that really hung), elsewhere
they fail at once. Repeating a call that hung fails at once, in any test; repeating one that
returned runs it again. A function that has hung in STRIKES different tests of this process
fails every later call at once: a submission that sleeps in every call costs a few deadlines per
function, not one per test.

Limits (environment variables; the defaults in parentheses; the first three, with the time budget
and the cache folders, are read once into the run's RunLimits, scanprops/limits.py):
- SCANPROPS_CALL_DEADLINE (20 s): one call, compiling included; every call here needs well under
  2 s on a slow 2-core machine. Counted in what the process computes (_Process._answered): a call
  that waits is stopped at the deadline, one that computes once it has used the deadline in CPU
  seconds (at most WALL_FACTOR times the deadline in wall-clock time), so a loaded machine
  does not time out a correct first call.
- SCANPROPS_IMPORT_DEADLINE (90 s): starting a child (JAX, its CPU backend) and importing the
  implementation into it (Flax): about 3 s here. Counted as a call's deadline is (the flip hunt
  once saw a child not start within it at a load of 8 on 2 cores).
- SCANPROPS_CHILD_MEMORY_MB (8192): address space the child may add to what JAX has reserved
  when it starts (RLIMIT_AS; XLA reserves about 1.5 GB of address space at start, which an
  absolute limit would have to guess). Compiled programs stay in the child's caches: a
  learner's full-catalog run grows the child from 1.5 to 4.4 GB of address space (3.0 GB
  resident; JAX 0.10.2, 2 workers), so the default leaves almost 3x that growth. A child is
  replaced after RECYCLE_AFTER_MODULES modules (the harness's own tests pass hundreds through
  one worker; a learner's run imports one).
- SCANPROPS_CHILD_CPU_S (time budget x CPU count): CPU seconds for the child's whole life
  (RLIMIT_CPU), a backstop behind the wall-clock deadlines; none when the run has no budget
  (the harness's own tests, whose child serves hundreds of modules).
- SCANPROPS_CHILD_FILE_MB (64): largest file the child may write (RLIMIT_FSIZE); it may write
  only in its own temporary folder anyway.
- SCANPROPS_CHILD_TASKS (1024): threads and processes the child's user may add (RLIMIT_NPROC;
  XLA runs a few dozen threads; ignored for root, where the audit hook still refuses
  process creation).
- SCANPROPS_CHILD_OUTPUT_KB (64): what is kept of the child's stdout and stderr (the rest is
  read and dropped, so a flood cannot block or fill anything).

JAX's persistent compilation cache (scanprops/compile_cache.py): its folders are part of the
run's limits (scanprops/limits.py, `start`); each child gets its submission's own folder in its start-up message (and a
child is replaced rather than reused for an implementation with another folder). JAX's cache
settings in this process's environment are not passed on: the parent decides.
"""
from __future__ import annotations

import atexit
import fcntl
import hashlib
import importlib.machinery
import importlib.util
import os
import pickle
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from scanprops import compile_cache, confinement, devices, payloads, wire
from scanprops.call import (
    AnswerKeyImport,
    BudgetSpent,
    CallTimeout,
    Grad,
    How,
    ImplFailure,
    Jaxpr,
    Jit,
    ProtocolViolation,
    SandboxMissing,
    Single,
    SubmissionError,
    Tampering,
    Vmap,
)
from scanprops.cases import Case
from scanprops.cleantext import clean
from scanprops.limits import RunLimits

CHILD_SCRIPT = Path(__file__).resolve().parent / "child" / "main.py"  # the child package's entry point
WARDEN_SCRIPT = Path(__file__).resolve().parent / "warden.py"


def _checkout() -> Path | None:
    """The repository this runs from, if any: only a checkout has the answer key (impls/), the
    harness's own tests and benchmarks; an installed harness ships the judge alone."""
    root = Path(__file__).resolve().parents[1]
    return root if (root / "pyproject.toml").is_file() and (root / "impls").is_dir() else None


def judge_dirs() -> list[str]:
    """Where the judge's packages are, wherever pip put them (an editable install maps
    scanprops.strategies and scanprops.props to the repository's strategies/ and props/)."""
    found = []
    for name in ("scanprops", "scanprops.strategies", "scanprops.props"):
        spec = importlib.util.find_spec(name)
        found += list(spec.submodule_search_locations or []) if spec else []
    return found


ROOT = _checkout()
ANSWER_KEY = ROOT / "impls" if ROOT else None
HARNESS_DIRS = tuple(dict.fromkeys(
    [str(Path(d).resolve()) for d in judge_dirs()]
    + ([str(ROOT / d) for d in ("strategies", "props", "impls", "tests", "benchmarks")] if ROOT else [])))


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


FILE_MB = int(_env_float("SCANPROPS_CHILD_FILE_MB", 64))
TASKS = int(_env_float("SCANPROPS_CHILD_TASKS", 1024))
OUTPUT_KB = int(_env_float("SCANPROPS_CHILD_OUTPUT_KB", 64))
# What a failure shows of the submission's own output during its failing calls (per stream).
PRINTED_LIMIT = 4096
SPANS_KEPT = 4096  # inputs whose calls' output offsets are remembered
# The kernel's layers (scanprops/confinement.py). SCANPROPS_SANDBOX_PROCESSES=1 lets the child
# start processes (fork, exec) again: for an accelerator backend whose compiler runs a program of
# its own (XLA may run ptxas on a GPU), untested here; the warden still kills all of them when the
# child ends. SCANPROPS_REQUIRE_SANDBOX=landlock,seccomp (`--require-sandbox`) refuses to run code
# under test in a child that could not apply one of those layers.
SANDBOX_PROCESSES = os.environ.get("SCANPROPS_SANDBOX_PROCESSES", "") == "1"
# SCANPROPS_SANDBOX_LAYERS=landlock,seccomp applies only those of the child's own layers (default:
# all of landlock, seccomp, netns; the warden's subreaper is always on): a switch for a machine
# where one of them breaks the backend. The report says what was applied.
SANDBOX_LAYERS = tuple(n for n in (os.environ.get("SCANPROPS_SANDBOX_LAYERS") or "landlock,seccomp,netns").split(",")
                       if n.strip() in confinement.LAYERS)
WARDEN_GRACE_S = 5.0  # the warden kills and reaps everything in well under a second
STRIKES = 2
# A call's deadline on a busy machine (_Process._answered): past the deadline, a process that got
# less than this share of one core is taken to be waiting and stopped; one that computes may go
# on until it has used the deadline in CPU seconds, or WALL_FACTOR times it in wall-clock time.
LOW_SHARE = 0.1
WALL_FACTOR = 3.0
# A child that has imported this many modules is replaced before it imports another (see above).
RECYCLE_AFTER_MODULES = 12
# The runner serves every submission of the process and keeps what it compiled: it is replaced
# before a request once it has added this share of its memory limit. Without it, a long run
# (the flip hunt: 30 minutes, thousands of programs; a runner at 5.6 GB of address space after
# 10) met errors inside XLA ("YNNPACK operation failed: unsupported parameter") on inputs that
# pass in a fresh process: allocations refused at the limit, as far as we can tell.
RUNNER_RECYCLE_SHARE = 0.6

def required_layers(text: str | None = None) -> tuple[str, ...]:
    """SCANPROPS_REQUIRE_SANDBOX (or `text`): layer names, checked against confinement.LAYERS."""
    text = os.environ.get("SCANPROPS_REQUIRE_SANDBOX", "") if text is None else text
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in confinement.LAYERS]
    if unknown:
        raise ValueError(f"--require-sandbox: {', '.join(unknown)} is not a sandbox layer "
                         f"(the layers: {', '.join(confinement.LAYERS)})")
    return names


def _only_child(pid: int) -> int | None:
    """The one child of process `pid` (the warden starts one), None when there is not exactly one
    yet; read once the warden has started it, which it does before anything else."""
    for _ in range(40):
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as children:
                found = children.read().split()
        except OSError:
            return None
        if len(found) == 1:
            return int(found[0])
        time.sleep(0.05)
    return None


def _vm_bytes(pid: int | None) -> int:
    """The address space of process `pid` (VmSize), 0 when unknown."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process `pid`, all its threads (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _checked_layers(layers: Any, pid: Any) -> dict:
    """The layers a child says it applied (in its first message, before any submission code ran),
    checked where the kernel shows them: seccomp in /proc/PID/status, the network namespace by
    its inode; the subreaper is the warden's, which is the harness's own code."""
    if not (type(layers) is dict and all(type(k) is str and type(v) in (bool, int, str) for k, v in layers.items())
            and type(pid) is int):
        return {name: "not reported" for name in confinement.LAYERS}
    found = {name: (wire.text(layers[name], 300) if type(layers.get(name)) is str else layers.get(name, "not reported"))
             for name in confinement.LAYERS if name != "subreaper"}
    try:
        with open(f"/proc/{pid}/status") as status:
            filtered = any(line.split() == ["Seccomp:", "2"] for line in status)
        if found["seccomp"] is True and not filtered:
            found["seccomp"] = "reported, but the kernel shows no filter"
        same_net = os.stat(f"/proc/{pid}/ns/net").st_ino == os.stat("/proc/self/ns/net").st_ino
        if found["netns"] is True and same_net:
            found["netns"] = "reported, but the child shares this process's network namespace"
    except OSError as exc:
        found["seccomp"] = found["netns"] = f"cannot be checked: {exc}"
    found["subreaper"] = True
    return found


# --- which implementation, and how the child finds it -----------------------------------------------
@dataclass(frozen=True)
class ModuleRef:
    spec: str  # a .py path or a dotted name, as the child imports it
    label: str  # as the person named it
    trusted: bool  # the harness's own impls/ package: may import the reference and the judge
    path: tuple[str, ...]  # import path entries the child puts first


def _inside(path: str | Path, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
        return True
    except ValueError:
        return False


# The problem packs' folders this process loaded (scanprops/packs.py): answer keys like impls/.
# Append-only: nothing can take a folder back out, so a child can only ever be refused more.
_PACK_KEYS: list[Path] = []


def add_answer_key(folder: str | Path) -> None:
    """Treat `folder` (a problem pack's package) as the answer key: no submission's child may
    read or import anything in it, from the next child started on; modules inside it (the pack's
    own reference and known-wrong modules) run in a trusted child, as impls/ does."""
    folder = Path(folder).resolve()
    if folder not in _PACK_KEYS:
        _PACK_KEYS.append(folder)


def answer_keys() -> tuple[str, ...]:
    """Every folder of the answer key: the checkout's impls/ and the loaded packs' folders."""
    return tuple(str(f) for f in ([ANSWER_KEY] if ANSWER_KEY else []) + _PACK_KEYS)


def _pack_of(path: str | Path) -> Path | None:
    return next((f for f in _PACK_KEYS if _inside(path, f)), None)


def _is_answer_key(path: str | Path) -> bool:
    return (ANSWER_KEY is not None and _inside(path, ANSWER_KEY)) or _pack_of(path) is not None


def module_ref(module: Any, label: str | None = None) -> ModuleRef:
    """How a child imports `module`: a module object, a dotted name or a .py path."""
    if isinstance(module, ModuleRef):
        return module
    if isinstance(module, str):
        spec = module
        origin = None
    else:
        spec = module.__name__
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or getattr(module, "__file__", None)
    label = label or spec
    if spec.endswith(".py") or "/" in spec or os.sep in spec:
        path = str(Path(spec).resolve())
        return ModuleRef(path, label, _is_answer_key(path), (str(Path(path).parent),))
    top = spec.split(".")[0]
    found = importlib.machinery.PathFinder.find_spec(top, [p for p in sys.path if p] + [os.getcwd()])
    if found is not None and found.origin not in (None, "namespace"):
        location = Path(found.origin)
        base = location.parent.parent if location.name == "__init__.py" else location.parent
        trusted = (top == "impls" and _is_answer_key(location)) or _pack_of(location) is not None
        return ModuleRef(spec, label, trusted, (str(base),))
    if origin and os.path.isfile(origin):  # e.g. a module loaded from a file under another name
        return module_ref(origin, label)
    return ModuleRef(spec, label, False, ())


def _child_path(ref: ModuleRef | None) -> list[str]:
    """The parent's import path without the harness's project folder, the current folder or
    anything else of the project; the implementation's folder first (None: the runner's, which
    imports no implementation)."""
    base = []
    for entry in sys.path:
        if not entry or not os.path.exists(entry):
            continue
        real = os.path.realpath(entry)
        if real in (str(ROOT), os.path.realpath(os.getcwd())) or any(_inside(entry, d) for d in HARNESS_DIRS):
            continue
        base.append(entry)
    extra = [] if ref is None else list(ref.path) + ([str(ROOT)] if ref.trusted else [])
    return list(dict.fromkeys(extra + base))


# --- the child's output ------------------------------------------------------------------------------
class _Drain:
    """Reads a pipe until it closes, keeping only the last `keep` bytes. It waits for data outside
    its lock and reads what is there inside it, so `position` (what was read plus what waits in
    the pipe) is the stream's exact offset at any moment: a call's output is then told from the
    next one's (`Executor.printed`) although this thread reads late."""

    def __init__(self, stream, keep: int):
        self.keep = keep
        self.tail = b""
        self.total = 0
        self._lock = threading.Lock()
        self._fd: int | None = stream.fileno()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        fd = self._fd
        waiting = select.poll()  # not select.select: it refuses descriptors past 1023
        waiting.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        try:
            while True:
                waiting.poll()
                with self._lock:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    self.total += len(chunk)
                    self.tail = (self.tail + chunk)[-self.keep:]
        except (OSError, ValueError):
            pass
        finally:
            with self._lock:
                self._fd = None
            try:
                stream.close()
            except OSError:
                pass

    def position(self) -> int:
        """Bytes the stream has carried so far: read, or waiting in the pipe."""
        with self._lock:
            if self._fd is None:
                return self.total
            try:
                waiting = struct.unpack("i", fcntl.ioctl(self._fd, termios.FIONREAD, b"\0\0\0\0"))[0]
            except OSError:
                waiting = 0
            return self.total + waiting

    def text(self, limit: int = 1500) -> str:
        body = self.tail.decode(errors="replace")[-limit:]
        dropped = self.total - min(self.total, limit)
        return (f"[{dropped} earlier bytes not kept]\n" if dropped else "") + body

    def between(self, start: int, end: int | None, limit: int) -> tuple[bytes, int]:
        """The bytes the stream carried from offset `start` to `end` (None: to now), at most the
        last `limit` of them, and how many earlier ones of that span are not shown."""
        end = self.total if end is None else end
        kept_from = self.total - len(self.tail)
        lo, hi = max(start, kept_from, end - limit), max(start, end)
        return self.tail[lo - kept_from:hi - kept_from], lo - start


@dataclass
class _Span:
    """Where one call's output lies in a child's two streams (offsets; end None: up to the next
    call, or to now)."""

    stdout: _Drain
    stderr: _Drain
    out_start: int
    err_start: int
    out_end: int | None = None
    err_end: int | None = None


# --- the persistent child -----------------------------------------------------------------------------
class _Process:
    """One sandboxed process under its warden: a submission's child, or the runner. Its frames
    are wire.py's; its start-up message carries its settings and its file rules."""

    def __init__(self, role: str, memory_mb: int):
        self.role = role  # "child" or "runner"
        self.memory_mb = memory_mb
        self.process: subprocess.Popen | None = None
        self.layers: dict | None = None
        self._nonce = b""
        self._ready = False
        self.pid: int | None = None  # the process itself (the warden stands between), from its first message
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._workdir: str | None = None
        self._stderr: _Drain | None = None
        self._stdout: _Drain | None = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def launch(self, config: dict) -> None:
        """Start the process and send it `config` (its file rules are added here), without
        waiting for it (`wait_ready`)."""
        self.stop()
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        self._workdir = tempfile.mkdtemp(prefix=f"scan-{self.role}-")
        env = {"PATH": os.defpath, "HOME": self._workdir, "TMPDIR": self._workdir, "LANG": "C.UTF-8"}
        for key, value in os.environ.items():
            if key.startswith(("JAX_COMPILATION_CACHE", "JAX_ENABLE_COMPILATION_CACHE", "JAX_PERSISTENT_CACHE")):
                continue  # the compilation cache is the parent's decision
            if key.startswith(("JAX_", "XLA_", "TF_CPP_")) or key in ("OMP_NUM_THREADS",):
                env[key] = value
        env["XLA_FLAGS"] = devices.xla_flags(env.get("XLA_FLAGS", ""), config["cpu_devices"])
        config = {**config, "role": self.role, "sandbox": {
            "files": confinement.file_rules(
                import_path=config["path"], workdir=self._workdir, cache_dir=config["compile_cache"],
                cache_dirs=tuple(config["compile_cache_functions"].values()),
                itself=str(CHILD_SCRIPT.parent), hidden=config["harness_dirs"],
                trusted_root=config.pop("trusted_root")),
            "processes": SANDBOX_PROCESSES, "apply": SANDBOX_LAYERS}}
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(WARDEN_SCRIPT), str(os.getpid()), f"{child_reads},{child_writes}", "--",
             sys.executable, "-I", "-S", str(CHILD_SCRIPT), str(child_reads), str(child_writes)],
            pass_fds=(child_reads, child_writes), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=self._workdir, env=env, start_new_session=True)
        os.close(child_reads)
        os.close(child_writes)
        self._stdout = _Drain(self.process.stdout, OUTPUT_KB * 1024)
        self._stderr = _Drain(self.process.stderr, OUTPUT_KB * 1024)
        self._requests = Connection(parent_writes, readable=False)
        self._replies = Connection(parent_reads, writable=False)
        self._nonce = wire.new_nonce()
        try:
            self._requests.send_bytes(wire.encode(self._nonce, wire.Config(config)))
        except OSError:
            pass  # it died at once: wait_ready says so

    def launched(self) -> bool:
        """Started (launch) and not yet known to be ready or dead."""
        return self.process is not None and not self._ready

    def wait_ready(self, deadline: float, require: tuple[str, ...]) -> None:
        """Its first reply: the layers it applied (checked). SandboxMissing when a required layer
        could not be applied, ImplFailure when it did not start."""
        nonce, started = self._nonce, None
        self.pid = _only_child(self.process.pid) if self.process is not None else None  # the warden's child
        try:
            if self._answered(deadline, by_wall_clock=False):
                started = wire.decode_reply(self._replies.recv_bytes(65536), nonce, wire.Config)
        except (EOFError, OSError, wire.ProtocolError):
            started = None
        if started is None:
            code = self.stop(grace=2.0)
            raise ImplFailure(f"the process for isolated calls did not start ({_exit_text(code)})",
                              self.death_detail(code))
        # Sent before any submission code ran in it: what it applied to itself, not a claim of the
        # submission's; seccomp and the network namespace are also read from the kernel's view.
        self.layers = _checked_layers(started.layers, started.pid)
        self.pid = started.pid if type(started.pid) is int else None  # whose CPU time a deadline counts
        self._vm_at_start = _vm_bytes(self.pid)
        self._ready = True
        missing = [f"{name} ({self.layers.get(name, 'not reported')})" for name in require
                   if not confinement.applied(self.layers.get(name))]
        if missing:
            self.stop()
            raise SandboxMissing(
                f"the sandbox layers {', '.join(require)} are required (--require-sandbox), and on this "
                f"machine {'; '.join(missing)} could not be applied. Run where the kernel offers them (see the "
                "README's threat model), or grade without --require-sandbox.")

    def exchange(self, request, limit: float, function: str, *, by_budget: bool, budget_text: str,
                 importing: bool = False):
        """Send one request (a wire record) and read its reply: the record wire.decode_reply rebuilt.
        Past `limit` the process is stopped (BudgetSpent, or CallTimeout); a death, an oversized
        reply or a frame out of protocol stop it too."""
        nonce = wire.new_nonce()
        try:
            self._requests.send_bytes(wire.encode(nonce, request))
            if not self._answered(limit, by_wall_clock=by_budget):
                self.stop()
                if by_budget:
                    raise BudgetSpent(budget_text + f" (during {function})")
                if importing:
                    raise ImplFailure(f"{function} did not finish within {limit:g} s "
                                      "(SCANPROPS_IMPORT_DEADLINE): a module that loops or waits at import")
                raise CallTimeout(function, limit)
            data = self._replies.recv_bytes(wire.MAX_FRAME_BYTES)
        except (EOFError, OSError) as exc:
            code = self.stop(grace=2.0)
            if isinstance(exc, OSError) and "message" in str(exc).lower():
                raise ProtocolViolation(f"{function}: the isolated process sent a reply over "
                                        f"{wire.MAX_FRAME_BYTES // 2**20} MB") from None
            what = f"the process running {function}" if self.role == "child" else f"the runner of {function}'s program"
            raise ImplFailure(f"{what} died ({_exit_text(code)})", self.death_detail(code)) from None
        except BaseException:  # interrupted (pytest-timeout, Ctrl-C): its late reply must not
            self.stop()  # answer the next request
            raise
        try:
            return wire.decode_reply(data, nonce, type(request))
        except wire.ProtocolError as exc:
            self.stop()
            raise ProtocolViolation(f"{function}: the isolated process broke the protocol: {exc}") from None

    def grown_mb(self) -> float:
        """How much address space the process has added since it started (0 when unknown)."""
        if self.pid is None or not self._ready:
            return 0.0
        return max(0.0, (_vm_bytes(self.pid) - self._vm_at_start) / 2**20)

    def _answered(self, limit: float, by_wall_clock: bool) -> bool:
        """Whether the reply came within the deadline `limit`. The run's budget is wall-clock
        time; a call's deadline counts what the process did with it: past `limit` seconds it is
        stopped if it computed little over the last `limit` seconds (below LOW_SHARE of a core: a
        sleep, a lock, a wait), else once it has used `limit` CPU seconds, or at WALL_FACTOR
        times `limit`. On a
        loaded machine a first call that compiles gets a fraction of a core, and the flip hunt
        (benchmarks/flips.py, two shards beside a test run on 2 cores) saw correct first calls
        stopped at 20 s wall-clock."""
        if by_wall_clock or self.pid is None:
            return self._replies.poll(limit)
        start = time.monotonic()
        samples = [(start, _cpu_seconds(self.pid))]  # (when, CPU seconds used by then)
        while True:
            if self._replies.poll(max(0.0, min(0.25, start + limit * WALL_FACTOR - time.monotonic()))):
                return True
            now, cpu = time.monotonic(), _cpu_seconds(self.pid)
            samples.append((now, cpu))
            if now - start < limit:
                continue
            window = next(c for t, c in reversed(samples) if t <= now - limit)  # CPU a deadline ago
            if (now - start >= limit * WALL_FACTOR or cpu - samples[0][1] >= limit
                    or cpu - window < LOW_SHARE * limit):
                return self._replies.poll(0)

    def stderr_tail(self, limit: int) -> str:
        return self._stderr.text(limit) if self._stderr is not None else ""

    def death_detail(self, code: int | None) -> str:
        lines = ["os._exit, a crash in native code, a signal, or a resource limit ends the process."]
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = str(-code)
            why = {"SIGKILL": "killed (out of memory, or by a signal)",
                   "SIGXCPU": "its CPU time limit was spent (SCANPROPS_CHILD_CPU_S)",
                   "SIGXFSZ": f"it wrote a file over {FILE_MB} MB (SCANPROPS_CHILD_FILE_MB)",
                   "SIGABRT": f"aborted: often an allocation over the memory limit of {self.memory_mb} MB "
                              "(SCANPROPS_CHILD_MEMORY_MB)",
                   "SIGSYS": "a system call the sandbox refuses outright",
                   "SIGSEGV": "a crash in native code"}.get(name, "")
            lines.append(f"signal {name}" + (f": {why}" if why else ""))
        if self._stderr is not None:
            time.sleep(0.05)
            tail = self._stderr.text(800).strip()
            if tail:
                lines.append("its last output on stderr:\n" + tail)
        return "\n".join(lines)

    def stop(self, grace: float = 0.0) -> int | None:
        """Stop it (after `grace` seconds to exit by itself) through its warden, which kills it and
        everything it started; its exit code."""
        for conn in (self._requests, self._replies):
            if conn is not None:
                conn.close()
        process, self.process, self._requests, self._replies = self.process, None, None, None
        self._ready = False
        code = None
        if process is not None:
            try:
                code = process.wait(grace)
            except subprocess.TimeoutExpired:
                process.terminate()  # the warden SIGKILLs the child and all it started, then exits
                try:
                    code = process.wait(WARDEN_GRACE_S)
                except subprocess.TimeoutExpired:
                    process.kill()
                    code = process.wait()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        return code


# The call kinds judged from a program (jax.export in the submission's child, run by the runner)
# instead of from what the submission's process reports.
_PROGRAM_KINDS = (Jit, Single, Grad, Vmap, Jaxpr)


class Executor:
    """A persistent sandboxed child that runs described calls, the runner that runs the programs
    it exports, and the memory of calls that hung."""

    def __init__(self, limits: RunLimits | None = None, *, deadline: float | None = None,
                 memory_mb: int | None = None, import_deadline: float | None = None):
        """`limits`: the run's (RunLimits.from_environment() when None); the keywords override
        its call deadline, memory and import deadline (the harness's own tests)."""
        self.limits = RunLimits.from_environment() if limits is None else limits
        self.deadline = self.limits.call_deadline_s if deadline is None else deadline
        self.import_deadline = self.limits.import_deadline_s if import_deadline is None else import_deadline
        self.memory_mb = self.limits.memory_mb if memory_mb is None else memory_mb
        self.require = required_layers(",".join(self.limits.required_layers))
        self._child = _Process("child", self.memory_mb)
        self._runner = _Process("runner", self.memory_mb)
        self._trusted: bool | None = None
        self._cache_dir: compile_cache.ChildFolders | None = None  # the running child's compilation cache folders
        self._refused: tuple | None = None  # the running child's hidden folders and trusted root
        self._cache_dirs: dict[Any, compile_cache.ChildFolders | None] = {}  # module -> a child's cache folders
        self._loaded: set[str] = set()
        self._verdict: SubmissionError | None = None  # tampering or the answer key: for good
        self._timed_out: dict[bytes, CallTimeout] = {}  # every call that hung, in any test
        self._strikes: dict[tuple[str, str], set[str]] = {}  # (module, function) -> tests it hung in
        self._test: str | None = None  # the pytest test the next two describe
        self._hung: dict[tuple[str, str], str] = {}  # (module, function) -> the call that hung
        self._returned: set[bytes] = set()  # calls that returned (so they are run again if asked)
        self._blobs: dict[bytes, bytes | None] = {}  # (module, function, signature, transform) -> its program
        self._sources: dict[str, Any] = {}  # module file -> hash of its contents, for _program_file
        self._spans: dict[bytes, list[_Span]] = {}  # (module, function, case) -> its calls' output
        self._open: _Span | None = None  # the last call's span, ended when the next call starts

    def stderr_tail(self, role: str = "child", limit: int = 1500) -> str:
        """The last of what the submission's child (or the runner: role "runner") wrote on stderr."""
        process = self._runner if role == "runner" else self._child
        return process.stderr_tail(limit)

    @property
    def layers(self) -> dict | None:
        """The kernel's layers the last submission's child applied (see _checked_layers)."""
        return self._child.layers

    # --- what the seam and the plugin ask ---------------------------------------------------------
    def run(self, module: Any, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
        ref = module_ref(module)
        if self._verdict is not None:
            raise self._verdict
        key = pickle.dumps((ref.spec, function, case, how))
        if key in self._timed_out:
            raise self._timed_out[key]
        test = _current_test()
        if test != self._test:
            self._test, self._hung, self._returned = test, {}, set()
        strikes = self._strikes.get((ref.spec, function), set())
        if len(strikes) >= STRIKES and test not in strikes:
            raise ImplFailure(f"{function} was not called: it ran past the {self.deadline:g} s deadline in "
                              f"{len(strikes)} other tests of this run already")
        hung = self._hung.get((ref.spec, function))
        if hung is not None and key not in self._returned:  # a call that returned before runs again:
            _reject_if_in_hypothesis()  # Hypothesis requires the same verdict when it replays one
            raise ImplFailure(f"{function} was not called: on another input it did not finish within "
                              f"{self.deadline:g} s ({hung})")
        self._mark(_span_key(ref.spec, function, case))
        try:
            if isinstance(how, _PROGRAM_KINDS):
                result = self._run_exported(ref, function, static, case, how)
            else:
                request = wire.Call(ref.spec, function, tuple(static), *payloads.encode_call(case),
                                    payloads.encode_how(how))
                reply = self._request(ref, request, self.deadline, function)
                result = payloads.decode_result(how, reply.value, reply.devices, function)
        except CallTimeout as exc:
            self._timed_out[key] = exc
            if test is not None:
                self._hung[(ref.spec, function)] = case.call_text(function)
                self._strikes.setdefault((ref.spec, function), set()).add(test)
            raise
        except ImplFailure:
            self._returned.add(key)
            raise
        self._returned.add(key)
        return result

    def _mark(self, key: bytes) -> None:
        """Where the child's output of the call about to start begins (two integers: nothing is
        read or copied unless a failure asks, `printed`). A child started by the call itself has
        new streams, which the span picks up at offset 0."""
        process = self._child
        if self._open is not None and self._open.stdout is process._stdout and process._stdout is not None:
            self._open.out_end, self._open.err_end = process._stdout.position(), process._stderr.position()
        if process._stdout is None or process._stderr is None or not process.alive():
            self._open = _Span(None, None, 0, 0)  # streams not known yet: the first call's own
        else:
            self._open = _Span(process._stdout, process._stderr, process._stdout.position(),
                               process._stderr.position())
        self._spans.setdefault(key, []).append(self._open)
        while len(self._spans) > SPANS_KEPT:  # the oldest inputs' first: a failure asks about a recent one
            self._spans.pop(next(iter(self._spans)))

    def printed(self, module: Any, function: str, case: Case, limit: int = PRINTED_LIMIT) -> str:
        """What the submission's process wrote on stdout and stderr during the calls of
        `function` on `case` (the last `limit` bytes of each stream, control characters
        replaced), '' for nothing. The submission's own claim: shown to the learner, never read
        for a verdict. Only a failure asks, after a moment for the last bytes to be drained."""
        ref = module_ref(module)
        spans = self._spans.get(_span_key(ref.spec, function, case), [])
        if not spans:
            return ""
        time.sleep(0.05)
        parts = []
        for name in ("stdout", "stderr"):
            chunks, dropped = [], 0
            for span in spans:
                drain = getattr(span, name)
                if drain is None:  # a call that could not start the child
                    continue
                start, end = (span.out_start, span.out_end) if name == "stdout" else (span.err_start, span.err_end)
                body, lost = drain.between(start, end, limit)
                chunks.append(body)
                dropped += lost
            body = b"".join(chunks)
            dropped += max(0, len(body) - limit)
            text = clean(body[-limit:].decode("utf-8", "replace")).strip("\n")
            if text:
                head = f"[{dropped} earlier bytes not shown]\n" if dropped else ""
                parts.append(f"{name}:\n{head}{text}")
        return "\n".join(parts)

    def _run_exported(self, ref: ModuleRef, function: str, static, case: Case, how: How) -> Any:
        """The submission's child exports the program from the inputs' shapes alone (it never
        sees the values the program is run on here, so it cannot build them into it); the runner
        (which never imports a submission) runs it on the inputs, which go to it from here. A
        program is asked for once per signature and kept: jit, the single calls vmap compares
        with and structure share one (the child cannot tell which property asked)."""
        sent = case.sent  # the arguments the call passes, in call order (the program's inputs, statics aside)
        dynamic = [n for n, _, _ in sent if n not in static]
        if isinstance(how, Vmap):
            args = [_stack([c[n] for c in how.batch]) if n in how.mapped else case[n] for n in dynamic]
        else:
            args = [case[n] for n in dynamic]
        if isinstance(how, Grad):
            args = [np.asarray(how.cotangent), *args]
        kind = "grad" if isinstance(how, Grad) else "vmap" if isinstance(how, Vmap) else "jit"
        names = payloads.encode_call(case)[0]
        specs = [payloads.encode_spec(v) if n not in static else payloads.encode_arg(v) for n, v, _ in sent]
        asked = (ref.spec, function, tuple(static), names, specs,
                 ("grad", tuple(how.wrt), payloads.encode_spec(np.asarray(how.cotangent))) if isinstance(how, Grad) else
                 ("vmap", len(how.batch), tuple(how.mapped)) if isinstance(how, Vmap) else ("jit",))
        key = pickle.dumps(asked)
        if key not in self._blobs:
            stored = self._program_file(ref, key, function)
            try:
                self._blobs[key] = stored.read_bytes() if stored is not None and stored.is_file() else None
            except OSError:
                self._blobs[key] = None
        if self._blobs[key] is None:
            program = self._request(ref, wire.Export(*asked), self.deadline, function).value
            if type(program) is not bytes:
                raise ProtocolViolation(
                    f"{function}: the isolated process sent {wire.describe(program)}, not a program")
            self._blobs[key] = program
            _keep(self._program_file(ref, key, function), program)
        blob = self._blobs[key]
        values = [payloads.encode_arg(v) for v in args]
        if isinstance(how, Jaxpr):
            reply = self._program(wire.InspectProgram(blob, function, values), function)
            return payloads.decode_result(how, reply.value, reply.devices, function)
        wrt = tuple(how.wrt) if isinstance(how, Grad) else ()
        reply = self._program(wire.Run(blob, function, kind, wrt, values), function)
        return payloads.decode_result(how, reply.value, reply.devices, function)

    def inspect(self, module: Any, catalog: dict[str, tuple[tuple[str, ...], str]]) -> dict:
        """Import the implementation in the child (ImplFailure with the reason if it cannot be)
        and say which catalog functions it provides and whose signature does not fit."""
        ref = module_ref(module)
        if self._verdict is not None:
            raise self._verdict
        info = self._request(ref, wire.Inspect(ref.spec, dict(catalog)), self.deadline, f"inspecting {ref.label}").value
        if not (type(info) is dict and type(info.get("provided")) is list
                and all(type(n) is str and n in catalog for n in info["provided"])
                and type(info.get("signature")) is dict
                and all(type(k) is str and type(v) is str for k, v in info["signature"].items())):
            raise ProtocolViolation(f"inspecting {ref.label}: the isolated process sent back {wire.describe(info)}")
        return {"provided": list(info["provided"]), "signature": dict(info["signature"])}

    def compile_stats(self) -> dict | None:
        """What the running child compiled since the last ask ({name: number}, see
        scanprops/child/tally.py), and reset its tallies; None when no child runs or it does
        not count (RunLimits.compile_stats). For the speed benchmark only: the numbers are the child's
        word, never used for a verdict."""
        if not self._child.alive():
            return None
        stats = self._checked(self._child, wire.Stats(), self.deadline, "compile statistics").value
        if stats is None:
            return None
        if not (type(stats) is dict and all(type(k) is str and type(v) in (int, float) for k, v in stats.items())):
            raise ProtocolViolation(f"compile statistics: the isolated process sent back {wire.describe(stats)}")
        return dict(stats)

    def start_runner(self) -> None:
        """Start the runner now, without waiting for it: in a run of one process its JAX starts
        while the child imports the module, instead of after it (the first program waits for it)."""
        if not self._runner.alive():
            self._runner.launch(self._config(None, compile_cache.runner_folder(self.limits.cache)))

    @property
    def runner_pid(self) -> int | None:
        """The runner now serving (None before one started)."""
        return self._runner.pid if self._runner.alive() else None

    def close(self) -> None:
        self._child.stop()
        self._runner.stop()

    # --- the exchange --------------------------------------------------------------------------------
    def _config(self, ref: ModuleRef | None, cache_dir: str | compile_cache.ChildFolders | None) -> dict:
        budget, cache = self.limits.time_budget_s, self.limits.cache
        cpu_default = budget * (os.cpu_count() or 1) if budget else 0
        if not isinstance(cache_dir, compile_cache.ChildFolders):
            cache_dir = compile_cache.ChildFolders(cache_dir)
        return {
            # The judge's cache folder is as unreadable as the answer key: it holds the oracle's
            # gradients (scanprops/grad_store.py).
            "path": _child_path(ref), "trusted": bool(ref and ref.trusted),
            "trusted_root": _trusted_root(ref),
            "harness_dirs": _hidden(cache),
            "parent_pid": os.getpid(), "cpu_devices": _cpu_device_count(), "memory_mb": self.memory_mb,
            "cpu_s": int(_env_float("SCANPROPS_CHILD_CPU_S", cpu_default)),
            "file_mb": FILE_MB, "tasks": TASKS, "compile_cache": cache_dir.module,
            "compile_cache_functions": dict(cache_dir.functions),  # a learner's run: one folder per function
            "compile_stats": self.limits.compile_stats and ref is not None,
        }

    def _request(self, ref: ModuleRef, request, deadline: float, function: str) -> wire.Ok:
        """`request` (a wire record) to the child for `ref`, started afresh and the module
        imported first where needed; its Ok reply (the other replies raised)."""
        # a pack loaded since this child started, or another pack's trusted module: a new child
        refused = (_hidden(self.limits.cache), _trusted_root(ref))
        if (not self._child.alive() or self._trusted != ref.trusted
                or self._cache_dir != self.cache_folder(ref) or self._refused != refused
                or ref.spec not in self._loaded and len(self._loaded) >= RECYCLE_AFTER_MODULES):
            self._refused = refused
            self._cache_dir = self.cache_folder(ref)
            self._loaded = set()
            self._blobs = {}  # programs of the modules the last child imported (a file may have changed)
            self._sources = {}
            self._trusted = ref.trusted
            self._child.launch(self._config(ref, self._cache_dir))
            if self._open is not None and self._open.stdout is None:  # the call being made started it
                self._open.stdout, self._open.stderr = self._child._stdout, self._child._stderr
            if not isinstance(request, wire.Inspect) and not self._runner.alive():  # JAX starts in both at
                # once (the probe needs no runner)
                self._runner.launch(self._config(None, compile_cache.runner_folder(self.limits.cache)))
            self._child.wait_ready(self.import_deadline, self.require)
        if ref.spec not in self._loaded:
            reply = self._checked(self._child, wire.Load(ref.spec, ref.label), self.import_deadline,
                                  f"importing {ref.label}", importing=True)
            if isinstance(reply, wire.NotImported):
                raise ImplFailure(wire.text(reply.text))
            self._loaded.add(ref.spec)
        return self._checked(self._child, request, deadline, function)

    def _program(self, request, function: str) -> wire.Ok:
        """A request to the runner (started here when none runs: it serves every submission of
        this process, and imports none)."""
        if self._runner.alive() and self.memory_mb and self._runner.grown_mb() > RUNNER_RECYCLE_SHARE * self.memory_mb:
            self._runner.stop()  # its compiled programs would reach its memory limit (RLIMIT_AS)
        if not self._runner.alive():
            self._runner.launch(self._config(None, compile_cache.runner_folder(self.limits.cache)))
        if self._runner.launched():
            self._runner.wait_ready(self.import_deadline, self.require)
        return self._checked(self._runner, request, self.deadline, function)

    def _checked(self, process: _Process, request, deadline: float, function: str, importing: bool = False):
        """One exchange under the run's budget: the Ok reply (or NotImported, to a Load); the replies
        that are not results raised."""
        left = self.limits.left_s()
        limit, by_budget = deadline, False
        if left is not None and left < deadline:
            if left <= 0:
                self.close()
                raise BudgetSpent(self.limits.spent_text())
            limit, by_budget = left, True
        reply = process.exchange(request, limit, function, by_budget=by_budget,
                                 budget_text=self.limits.spent_text() if by_budget else "", importing=importing)
        if isinstance(reply, (wire.Ok, wire.NotImported)):
            return reply
        if isinstance(reply, wire.Fail):
            raise ImplFailure(wire.text(reply.summary), wire.text(reply.detail))
        if isinstance(reply, wire.OutOfMemory):
            raise ImplFailure(f"{wire.text(reply.text)}; the isolated process may use {self.memory_mb} MB beyond "
                              "what JAX reserves (SCANPROPS_CHILD_MEMORY_MB)",
                              "A result or an intermediate array far larger than the inputs: an outer product "
                              "or a broadcast that should not happen, or memory kept across calls.")
        if isinstance(reply, wire.AnswerKey):
            self._verdict = AnswerKeyImport(
                f"the submission tried to use the harness's own code, the reference implementations and "
                f"oracles (the answer key): {wire.text(reply.text)}. A submission must be its own work.")
            self.close()
            raise self._verdict
        if isinstance(reply, wire.Tampered):
            self._verdict = Tampering(
                f"the submission changed JAX, NumPy or Python builtins while being imported or called: "
                f"{wire.text(reply.text)}. The harness cannot judge code that replaces the functions it "
                "uses; define your own functions instead of assigning to library attributes.")
            self.close()
            raise self._verdict
        process.stop()  # wire.answers(request) allows no other record
        raise ProtocolViolation(
            f"{function}: the isolated process sent a {type(reply).__name__} reply where none belongs")

    def _program_file(self, ref: ModuleRef, asked: bytes, function: str) -> Path | None:
        """Where the judge keeps the program a submission's child exported for one request, across
        runs (a warm run then asks for none): in the judge's cache folder, which only the judge
        writes and no child reads, named by a hash of the submission file's contents (read once
        per child), or in a learner's run of `function`'s fingerprint (scanprops/compile_cache.py),
        and the request. A submission given as a file only; None when the cache is off."""
        if self.limits.cache is None or not ref.spec.endswith(".py"):
            return None
        folders = self.cache_folder(ref)
        own = folders.key_of(function) if folders is not None else None
        if own is not None:  # a learner's run: the function's fingerprint stands for its code
            source = hashlib.sha256(b"function\0" + own.encode() + b"\0" + ref.spec.encode())
        else:
            if ref.spec not in self._sources:
                try:
                    self._sources[ref.spec] = hashlib.sha256(Path(ref.spec).read_bytes() + b"\0" + ref.spec.encode())
                except OSError:
                    self._sources[ref.spec] = None
            source = self._sources[ref.spec]
        if source is None:
            return None
        digest = source.copy()
        digest.update(b"\0" + asked)
        return Path(self.limits.cache.judge) / "exported-programs" / f"{digest.hexdigest()}.stablehlo"

    def cache_folder(self, ref: ModuleRef) -> compile_cache.ChildFolders | None:
        """The compilation cache folders of a child for `ref` (its submission's, and in a learner's
        run its functions'), or None."""
        key = ref
        if key not in self._cache_dirs:
            self._cache_dirs[key] = compile_cache.child_folders(self.limits.cache, ref.spec, ref.path, ref.trusted)
        return self._cache_dirs[key]



def _span_key(spec: str, function: str, case: Case) -> bytes:
    """The calls of one function on one input, as `Executor.printed` finds their output."""
    return hashlib.sha1(pickle.dumps((spec, function, case))).digest()


def _hidden(cache: compile_cache.Folders | None) -> tuple[str, ...]:
    """What no submission's child may read: the judge's folders, the packs' (answer keys too)
    and the judge's cache folder (it holds the oracle's gradients)."""
    return tuple(dict.fromkeys(HARNESS_DIRS + tuple(str(f) for f in _PACK_KEYS)
                               + ((cache.judge,) if cache is not None else ())))


def _trusted_root(ref: ModuleRef | None) -> str | None:
    """What a trusted child (the harness's own or a pack's reference and known-wrong modules)
    may read besides its import path: the checkout, or (an installed harness) the module's base."""
    if ref is None or not ref.trusted:
        return None
    return str(ROOT) if ROOT is not None else (ref.path[0] if ref.path else None)


def _keep(path: Path | None, blob: bytes) -> None:
    """Write `blob` at `path` atomically (workers share the folder); nothing when it cannot."""
    if path is None:
        return
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, suffix=".partial")
        with os.fdopen(fd, "wb") as out:
            out.write(blob)
        os.replace(temporary, path)
    except OSError:
        pass


def _stack(values: list) -> Any:
    """The batch of one mapped argument, stacked along a new leading axis (dicts leaf by leaf)."""
    if type(values[0]) is dict:
        return {k: np.stack([v[k] for v in values]) for k in values[0]}
    return np.stack(values)


def _exit_text(code: int | None) -> str:
    if code is None:
        return "no exit code"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


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


# This process's executor: a resource (its children), not a setting; its limits are its own.
_EXECUTOR: Executor | None = None


def start(limits: RunLimits) -> Executor:
    """This process's executor, with the run's limits (the plugin calls it once, before any call;
    an executor started before is stopped and replaced)."""
    global _EXECUTOR
    if _EXECUTOR is not None:
        _EXECUTOR.close()
    atexit.unregister(close)  # registered once, however many executors this process has had (forget)
    atexit.register(close)
    _EXECUTOR = Executor(limits)
    return _EXECUTOR


def executor() -> Executor:
    """This process's executor (one child per pytest worker): the one `start` made, else one with
    the environment's limits."""
    return _EXECUTOR if _EXECUTOR is not None else start(RunLimits.from_environment())


def close() -> None:
    """Stop this process's child (before the report is written: nothing of it outlives the run)."""
    if _EXECUTOR is not None:
        _EXECUTOR.close()


def forget() -> None:
    """Stop this process's children and drop its executor with all it learnt (calls that hung, a
    submission's verdict, the folders and programs of the file as it was): the next run starts
    from nothing (`scanprops check --watch`, a run per version of the file in one process)."""
    global _EXECUTOR
    close()
    _EXECUTOR = None


def execute(module: Any, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
    """Run one described call of `module.function` in this process's sandboxed child."""
    return executor().run(module, function, static, case, how)
