"""Every call of code under test runs in a sandboxed child process, under a hard deadline.

The pytest controller and workers never import the implementation under test. `Seam.run` sends
each described call here; one persistent child per process (per pytest worker) imports the
implementation once and runs the calls, so JAX's compile caches live in it. The child is
scanprops/sandbox_child.py, a script started by its path with `python -I -S` (a new
interpreter, never a fork: the parent's JAX has threads running; and not multiprocessing's
spawn, which would re-run the parent's main script), in a fresh temporary folder, with an
environment of its own (no PYTEST_*, no SCANPROPS_*, no report path), stdin closed and its
stdout and stderr drained into a small buffer. Its limits and guards are described in
sandbox_child.py; their sizes are set here (environment variables, below).

Only data comes back: the child sends builtins (numbers, strings, tuples, lists, dicts, bytes)
and this side unpickles them with a loader that refuses every class, then rebuilds NumPy arrays
from raw bytes of an allowed numeric dtype, in the structure the call kind allows (a bare array
or a flat tuple of arrays; for grad, one array or dict of arrays per argument).

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

Limits (environment variables; the defaults in parentheses):
- SCANPROPS_CALL_DEADLINE (20 s): one call, compiling included; every call here needs well under
  2 s on a slow 2-core machine.
- SCANPROPS_IMPORT_DEADLINE (90 s): starting a child (JAX, its CPU backend) and importing the
  implementation into it (Flax): about 3 s here.
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

JAX's persistent compilation cache (scanprops/compile_cache.py): the plugin hands its folders to
`set_compile_cache`; each child gets its submission's own folder in its start-up message (and a
child is replaced rather than reused for an implementation with another folder). JAX's cache
settings in this process's environment are not passed on: the parent decides.
"""
from __future__ import annotations

import atexit
import importlib.machinery
import importlib.util
import io
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import numpy as np

from scanprops import compile_cache
from scanprops.cases import Case
from scanprops.seam import Grad, How, ImplFailure, Jaxpr, JaxprStats, Jit, OnDevice, Outcome, Plain, Single, Vmap

CHILD_SCRIPT = Path(__file__).resolve().parent / "sandbox_child.py"


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


DEADLINE_S = _env_float("SCANPROPS_CALL_DEADLINE", 20.0)
IMPORT_DEADLINE_S = _env_float("SCANPROPS_IMPORT_DEADLINE", 90.0)
MEMORY_MB = int(_env_float("SCANPROPS_CHILD_MEMORY_MB", 8192))
FILE_MB = int(_env_float("SCANPROPS_CHILD_FILE_MB", 64))
TASKS = int(_env_float("SCANPROPS_CHILD_TASKS", 1024))
OUTPUT_KB = int(_env_float("SCANPROPS_CHILD_OUTPUT_KB", 64))
MAX_REPLY_BYTES = 256 * 2**20
STRIKES = 2
# A child that has imported this many modules is replaced before it imports another (see above).
RECYCLE_AFTER_MODULES = 12
DEFAULT_TIME_BUDGET_S = 600.0

_BUDGET_END: float | None = None  # wall-clock time (time.time()) at which the run's budget ends
_BUDGET_S: float | None = None
_CACHE: compile_cache.Folders | None = None  # the compilation cache's folders; None: off
_COMPILE_STATS = False  # children count JAX's compile events (set_compile_stats)


def set_compile_stats(on: bool) -> None:
    """Ask children started from now on to count JAX's compile events (the speed benchmark,
    benchmarks/speed.py; `Executor.compile_stats` reads them). Off by default: verification runs
    never turn it on."""
    global _COMPILE_STATS
    _COMPILE_STATS = bool(on)


def set_compile_cache(folders: compile_cache.Folders | None) -> None:
    """The compilation cache's folders (the children's are under `folders.children`), or None."""
    global _CACHE
    _CACHE = folders


def set_budget(end: float | None, total: float | None) -> None:
    """The run's time budget: calls never run past `end` (seconds since the epoch)."""
    global _BUDGET_END, _BUDGET_S
    _BUDGET_END, _BUDGET_S = end, total


def budget_left() -> float | None:
    return None if _BUDGET_END is None else _BUDGET_END - time.time()


# --- what can go wrong -------------------------------------------------------------------------
class CallTimeout(ImplFailure):
    """The call did not return within the deadline (its process was killed)."""

    def __init__(self, function: str, deadline: float):
        super().__init__(
            f"{function} did not finish within {deadline:g} s",
            f"The call ran in a separate process, which was stopped after {deadline:g} s. A loop whose "
            "condition never becomes false runs forever: a while_loop without an iteration cap, or "
            "with a stopping test that float32 can never meet (or a call that sleeps or waits).",
        )
        self.deadline = deadline


class SubmissionError(Exception):
    """The submission cannot be judged at all (verdict `error`), whichever property met it."""


class Tampering(SubmissionError):
    pass


class AnswerKeyImport(SubmissionError):
    pass


class BudgetSpent(SubmissionError):
    pass


class ProtocolViolation(SubmissionError):
    pass


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


def _is_answer_key(path: str | Path) -> bool:
    return ANSWER_KEY is not None and _inside(path, ANSWER_KEY)


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
        trusted = top == "impls" and _is_answer_key(location)
        return ModuleRef(spec, label, trusted, (str(base),))
    if origin and os.path.isfile(origin):  # e.g. a module loaded from a file under another name
        return module_ref(origin, label)
    return ModuleRef(spec, label, False, ())


def _child_path(ref: ModuleRef) -> list[str]:
    """The parent's import path without the harness's project folder, the current folder or
    anything else of the project; the implementation's folder first."""
    base = []
    for entry in sys.path:
        if not entry or not os.path.exists(entry):
            continue
        real = os.path.realpath(entry)
        if real in (str(ROOT), os.path.realpath(os.getcwd())) or any(_inside(entry, d) for d in HARNESS_DIRS):
            continue
        base.append(entry)
    extra = list(ref.path) + ([str(ROOT)] if ref.trusted else [])
    return list(dict.fromkeys(extra + base))


# --- data across the pipe ------------------------------------------------------------------------------
def _encode_arg(value: Any) -> tuple:
    coeffs = getattr(value, "coeffs", None)
    if callable(value) and isinstance(coeffs, tuple):  # strategies.functions.Poly
        return ("poly", tuple(float(c) for c in coeffs))
    if callable(value):
        raise TypeError(f"cannot send the callable {value!r} to the isolated process")
    return ("value", value)


def encode_call(case: Case) -> tuple[tuple, list]:
    """The call a case describes, as the child runs it: the names of the arguments it passes, in
    call order (a name, or ("keyword", name) for one passed by keyword; omitted arguments are
    not sent), and their encoded values."""
    sent = case.sent
    return (tuple(("keyword", k) if kw else k for k, _, kw in sent), [_encode_arg(v) for _, v, _ in sent])


def _encode_how(how: How) -> tuple:
    if isinstance(how, Plain):
        return ("plain",)
    if isinstance(how, Jit):
        return ("jit",)
    if isinstance(how, Single):
        return ("single",)
    if isinstance(how, Grad):
        return ("grad", tuple(how.wrt), np.asarray(how.cotangent))
    if isinstance(how, Vmap):
        return ("vmap", [encode_call(c)[1] for c in how.batch], tuple(how.mapped))
    if isinstance(how, OnDevice):
        return ("device", int(how.index))
    if isinstance(how, Jaxpr):
        return ("jaxpr",)
    raise TypeError(f"unknown call kind {how!r}")


class _DataOnly(pickle.Unpickler):
    """Unpickles builtins only: any class or function reference in the stream is refused."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"the isolated process sent an object of class {module}.{name}")

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("the isolated process sent a persistent reference")


def _loads(data: bytes) -> Any:
    return _DataOnly(io.BytesIO(data)).load()


ALLOWED_DTYPES = {np.dtype(t).str for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64, np.complex64, np.complex128)}


def _array(wire: Any, what: str) -> np.ndarray:
    if not (type(wire) is tuple and len(wire) == 4 and wire[0] == "a" and type(wire[1]) is str
            and type(wire[2]) is tuple and all(type(n) is int and n >= 0 for n in wire[2]) and type(wire[3]) is bytes):
        raise ProtocolViolation(f"{what}: the isolated process sent back {_describe_wire(wire)}, not an array")
    _, dtype, shape, raw = wire
    if dtype not in ALLOWED_DTYPES:
        raise ImplFailure(f"{what} returned an array of dtype {dtype}, not a plain NumPy number type.")
    dt = np.dtype(dtype)
    if len(raw) != dt.itemsize * int(np.prod(shape, dtype=np.int64)):
        raise ProtocolViolation(f"{what}: the isolated process sent {len(raw)} bytes for a {dtype}{list(shape)} array")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def _describe_wire(wire: Any) -> str:
    text = repr(wire)
    return text if len(text) < 200 else text[:200] + "..."


def _decode_output(wire: Any, what: str) -> Any:
    """A bare array or a flat tuple of arrays."""
    if type(wire) is tuple and len(wire) == 2 and wire[0] == "t" and type(wire[1]) is list:
        return tuple(_array(item, what) for item in wire[1])
    return _array(wire, what)


def _decode_grads(wire: Any, wrt: tuple[str, ...], what: str) -> tuple:
    if not (type(wire) is tuple and len(wire) == 2 and wire[0] == "t" and type(wire[1]) is list
            and len(wire[1]) == len(wrt)):
        raise ProtocolViolation(f"{what}: the isolated process sent back {_describe_wire(wire)}")
    out = []
    for item in wire[1]:
        if type(item) is tuple and len(item) == 2 and item[0] == "d" and type(item[1]) is list:
            entries = {}
            for entry in item[1]:
                if not (type(entry) is tuple and len(entry) == 2 and type(entry[0]) is str):
                    raise ProtocolViolation(f"{what}: the isolated process sent back {_describe_wire(entry)}")
                entries[entry[0]] = _array(entry[1], what)
            out.append(entries)
        else:
            out.append(_array(item, what))
    return tuple(out)


def _decode_result(how: How, payload: Any, devices: Any, function: str) -> Any:
    if not (type(devices) is tuple and all(type(d) is str for d in devices)):
        raise ProtocolViolation(f"{function}: the isolated process sent devices {_describe_wire(devices)}")
    if isinstance(how, Jaxpr):
        if not (type(payload) is tuple and len(payload) == 4 and payload[0] == "jaxpr" and type(payload[1]) is int
                and type(payload[2]) is tuple and all(type(s) is str for s in payload[2]) and type(payload[3]) is int):
            raise ProtocolViolation(f"{function}: the isolated process sent back {_describe_wire(payload)}")
        return JaxprStats(payload[1], payload[2], payload[3])
    if isinstance(how, Grad):
        return Outcome(_decode_grads(payload, tuple(how.wrt), f"grad of {function}"), devices)
    what = f"vmap of {function}" if isinstance(how, Vmap) else function
    return Outcome(_decode_output(payload, what), devices)


def _text(value: Any, limit: int = 4000) -> str:
    return value[:limit] if type(value) is str else repr(value)[:200]


# --- the child's output ------------------------------------------------------------------------------
class _Drain:
    """Reads a pipe until it closes, keeping only the last `keep` bytes."""

    def __init__(self, stream, keep: int):
        self.keep = keep
        self.tail = b""
        self.total = 0
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        try:
            while True:
                chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
                if not chunk:
                    break
                self.total += len(chunk)
                self.tail = (self.tail + chunk)[-self.keep:]
        except (OSError, ValueError):
            pass
        finally:
            try:
                stream.close()
            except OSError:
                pass

    def text(self, limit: int = 1500) -> str:
        body = self.tail.decode(errors="replace")[-limit:]
        dropped = self.total - min(self.total, limit)
        return (f"[{dropped} earlier bytes not kept]\n" if dropped else "") + body


# --- the persistent child -----------------------------------------------------------------------------
class Executor:
    """A persistent sandboxed child that runs described calls, and the memory of calls that hung."""

    def __init__(self, deadline: float | None = None, memory_mb: int | None = None,
                 import_deadline: float | None = None):
        self.deadline = DEADLINE_S if deadline is None else deadline
        self.import_deadline = IMPORT_DEADLINE_S if import_deadline is None else import_deadline
        self.memory_mb = MEMORY_MB if memory_mb is None else memory_mb
        self._process: subprocess.Popen | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._workdir: str | None = None
        self._stderr: _Drain | None = None
        self._stdout: _Drain | None = None
        self._trusted: bool | None = None
        self._cache_dir: str | None = None  # the running child's compilation cache folder
        self._cache_dirs: dict[tuple, str | None] = {}  # (cache folders, module) -> its children's folder
        self._seq = 0
        self._loaded: set[str] = set()
        self._verdict: SubmissionError | None = None  # tampering or the answer key: for good
        self._timed_out: dict[bytes, CallTimeout] = {}  # every call that hung, in any test
        self._strikes: dict[tuple[str, str], set[str]] = {}  # (module, function) -> tests it hung in
        self._test: str | None = None  # the pytest test the next two describe
        self._hung: dict[tuple[str, str], str] = {}  # (module, function) -> the call that hung
        self._returned: set[bytes] = set()  # calls that returned (so they are run again if asked)

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
        message = ("call", ref.spec, function, tuple(static), *encode_call(case), _encode_how(how))
        try:
            kind, payload = self._request(ref, message, self.deadline, function)
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
        return _decode_result(how, *payload, function)

    def inspect(self, module: Any, catalog: dict[str, tuple[tuple[str, ...], str]]) -> dict:
        """Import the implementation in the child (ImplFailure with the reason if it cannot be)
        and say which catalog functions it provides and whose signature does not fit."""
        ref = module_ref(module)
        if self._verdict is not None:
            raise self._verdict
        _, payload = self._request(ref, ("inspect", ref.spec, dict(catalog)), self.deadline, f"inspecting {ref.label}")
        info = payload[0]
        if not (type(info) is dict and type(info.get("provided")) is list
                and all(type(n) is str and n in catalog for n in info["provided"])
                and type(info.get("signature")) is dict
                and all(type(k) is str and type(v) is str for k, v in info["signature"].items())):
            raise ProtocolViolation(f"inspecting {ref.label}: the isolated process sent back {_describe_wire(info)}")
        return {"provided": list(info["provided"]), "signature": dict(info["signature"])}

    def compile_stats(self) -> dict | None:
        """What the running child compiled since the last ask ({name: number}, see
        sandbox_child.CompileTally), and reset its tallies; None when no child runs or it does
        not count (set_compile_stats). For the speed benchmark only: the numbers are the child's
        word, never used for a verdict."""
        if self._process is None or self._process.poll() is not None:
            return None
        _, payload = self._exchange(("stats",), self.deadline, "compile statistics")
        stats = payload[0]
        if stats is None:
            return None
        if not (type(stats) is dict and all(type(k) is str and type(v) in (int, float) for k, v in stats.items())):
            raise ProtocolViolation(f"compile statistics: the isolated process sent back {_describe_wire(stats)}")
        return dict(stats)

    def close(self) -> None:
        self._stop()

    # --- the exchange --------------------------------------------------------------------------------
    def _request(self, ref: ModuleRef, message: tuple, deadline: float, function: str) -> tuple:
        if (self._process is None or self._process.poll() is not None or self._trusted != ref.trusted
                or self._cache_dir != self._cache_for(ref)
                or ref.spec not in self._loaded and len(self._loaded) >= RECYCLE_AFTER_MODULES):
            self._start(ref)
        if ref.spec not in self._loaded:
            kind, payload = self._exchange(("load", ref.spec, ref.label), self.import_deadline, f"importing {ref.label}",
                                           importing=True)
            if kind == "load_error":
                raise ImplFailure(_text(payload[0]))
            self._loaded.add(ref.spec)
        return self._exchange(message, deadline, function)

    def _exchange(self, message: tuple, deadline: float, function: str, importing: bool = False) -> tuple:
        left = budget_left()
        limit, by_budget = deadline, False
        if left is not None and left < deadline:
            if left <= 0:
                self._stop()
                raise BudgetSpent(self._budget_text())
            limit, by_budget = left, True
        self._seq += 1
        seq = self._seq
        try:
            self._requests.send_bytes(pickle.dumps((seq, *message)))
            if not self._replies.poll(limit):
                self._stop()
                if by_budget:
                    raise BudgetSpent(self._budget_text() + f" (during {function})")
                if importing:
                    raise ImplFailure(f"{function} did not finish within {limit:g} s "
                                      "(SCANPROPS_IMPORT_DEADLINE): a module that loops or waits at import")
                raise CallTimeout(function, limit)
            data = self._replies.recv_bytes(MAX_REPLY_BYTES)
        except (EOFError, OSError) as exc:
            code = self._stop(grace=2.0)
            if isinstance(exc, OSError) and "message" in str(exc).lower():
                raise ProtocolViolation(f"{function}: the isolated process sent a reply over "
                                        f"{MAX_REPLY_BYTES // 2**20} MB") from None
            raise ImplFailure(f"the process running {function} died ({_exit_text(code)})",
                              self._death_detail(code)) from None
        except BaseException:  # interrupted (pytest-timeout, Ctrl-C): its late reply must not
            self._stop()  # answer the next call
            raise
        try:
            reply = _loads(data)
        except Exception as exc:  # noqa: BLE001
            self._stop()
            raise ProtocolViolation(f"{function}: the isolated process sent something other than data: {exc}") from None
        if not (type(reply) is tuple and len(reply) >= 2 and reply[0] == seq and type(reply[1]) is str):
            self._stop()
            raise ProtocolViolation(f"{function}: the isolated process answered out of turn: {_describe_wire(reply)}")
        kind, payload = reply[1], reply[2:]
        if kind == "ok" and len(payload) == 2:
            return kind, payload
        if kind == "load_error" and len(payload) == 1:
            return kind, payload
        if kind == "fail" and len(payload) == 2:
            raise ImplFailure(_text(payload[0]), _text(payload[1]))
        if kind == "memory" and len(payload) == 1:
            raise ImplFailure(f"{_text(payload[0])}; the isolated process may use {self.memory_mb} MB beyond "
                              "what JAX reserves (SCANPROPS_CHILD_MEMORY_MB)",
                              "A result or an intermediate array far larger than the inputs: an outer product "
                              "or a broadcast that should not happen, or memory kept across calls.")
        if kind == "answer_key" and len(payload) == 1:
            self._verdict = AnswerKeyImport(
                f"the submission tried to use the harness's own code, the reference implementations and "
                f"oracles (the answer key): {_text(payload[0])}. A submission must be its own work.")
            self._stop()
            raise self._verdict
        if kind == "tamper" and len(payload) == 1:
            self._verdict = Tampering(
                f"the submission changed JAX, NumPy or Python builtins while being imported or called: "
                f"{_text(payload[0])}. The harness cannot judge code that replaces the functions it "
                "uses; define your own functions instead of assigning to library attributes.")
            self._stop()
            raise self._verdict
        self._stop()
        raise ProtocolViolation(f"{function}: the isolated process sent an unknown reply {_describe_wire(reply)}")

    def _cache_for(self, ref: ModuleRef) -> str | None:
        """The compilation cache folder of a child for `ref` (one per submission), or None."""
        key = (_CACHE, ref)
        if key not in self._cache_dirs:
            self._cache_dirs[key] = compile_cache.children_folder(_CACHE, ref.spec, ref.path, ref.trusted)
        return self._cache_dirs[key]

    def _budget_text(self) -> str:
        return (f"not run: the run's time budget of {_BUDGET_S:g} s (--time-budget) was spent; "
                "slow or hanging calls used it up")

    def _death_detail(self, code: int | None) -> str:
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
                   "SIGSEGV": "a crash in native code"}.get(name, "")
            lines.append(f"signal {name}" + (f": {why}" if why else ""))
        if self._stderr is not None:
            time.sleep(0.05)
            tail = self._stderr.text(800).strip()
            if tail:
                lines.append("its last output on stderr:\n" + tail)
        return "\n".join(lines)

    def _start(self, ref: ModuleRef) -> None:
        self._stop()
        child_reads, parent_writes = os.pipe()
        parent_reads, child_writes = os.pipe()
        self._workdir = tempfile.mkdtemp(prefix="scan-child-")
        env = {"PATH": os.defpath, "HOME": self._workdir, "TMPDIR": self._workdir, "LANG": "C.UTF-8"}
        for key, value in os.environ.items():
            if key.startswith(("JAX_COMPILATION_CACHE", "JAX_ENABLE_COMPILATION_CACHE", "JAX_PERSISTENT_CACHE")):
                continue  # the compilation cache is the parent's decision (below)
            if key.startswith(("JAX_", "XLA_", "TF_CPP_")) or key in ("OMP_NUM_THREADS",):
                env[key] = value
        cpu_devices = _cpu_device_count()
        flag = f"--xla_force_host_platform_device_count={cpu_devices}"
        if flag not in env.get("XLA_FLAGS", ""):
            env["XLA_FLAGS"] = (env.get("XLA_FLAGS", "") + " " + flag).strip()
        cpu_default = _BUDGET_S * (os.cpu_count() or 1) if _BUDGET_S else 0
        config = {
            # The judge's cache folder is as unreadable as the answer key: it holds the oracle's
            # gradients (scanprops/grad_store.py).
            "path": _child_path(ref), "trusted": ref.trusted,
            "harness_dirs": HARNESS_DIRS + ((_CACHE.judge,) if _CACHE is not None else ()),
            "parent_pid": os.getpid(), "cpu_devices": cpu_devices, "memory_mb": self.memory_mb,
            "cpu_s": int(_env_float("SCANPROPS_CHILD_CPU_S", cpu_default)),
            "file_mb": FILE_MB, "tasks": TASKS, "compile_cache": self._cache_for(ref),
            "compile_stats": _COMPILE_STATS,
        }
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(CHILD_SCRIPT), str(child_reads), str(child_writes)],
            pass_fds=(child_reads, child_writes), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, cwd=self._workdir, env=env, start_new_session=True)
        os.close(child_reads)
        os.close(child_writes)
        self._stdout = _Drain(self._process.stdout, OUTPUT_KB * 1024)
        self._stderr = _Drain(self._process.stderr, OUTPUT_KB * 1024)
        self._requests = Connection(parent_writes, readable=False)
        self._replies = Connection(parent_reads, writable=False)
        self._loaded = set()
        self._trusted = ref.trusted
        self._cache_dir = config["compile_cache"]
        try:
            self._requests.send_bytes(pickle.dumps(config))
            started = self._replies.poll(self.import_deadline) and _loads(self._replies.recv_bytes(4096))
        except (EOFError, OSError, pickle.UnpicklingError):
            started = False
        if not (type(started) is tuple and started and started[0] == "ready"):
            code = self._stop(grace=2.0)
            raise ImplFailure(f"the process for isolated calls did not start ({_exit_text(code)})",
                              self._death_detail(code))

    def _stop(self, grace: float = 0.0) -> int | None:
        """Kill the child (after `grace` seconds to exit by itself); its exit code."""
        for conn in (self._requests, self._replies):
            if conn is not None:
                conn.close()
        process, self._process, self._requests, self._replies = self._process, None, None, None
        code = None
        if process is not None:
            try:
                code = process.wait(grace)
            except subprocess.TimeoutExpired:
                process.kill()  # SIGKILL: a compiled loop ignores anything gentler
                code = process.wait()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None
        return code


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


_EXECUTOR: Executor | None = None


def executor() -> Executor:
    """This process's executor (one child per pytest worker)."""
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = Executor()
        atexit.register(close)
    return _EXECUTOR


def close() -> None:
    """Stop this process's child (before the report is written: nothing of it outlives the run)."""
    if _EXECUTOR is not None:
        _EXECUTOR.close()


def execute(module: Any, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
    """Run one described call of `module.function` in this process's sandboxed child."""
    return executor().run(module, function, static, case, how)
