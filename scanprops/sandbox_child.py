"""The sandboxed process that runs code under test. A script, run by its path, never imported
by name into a child: `python -I -S scanprops/sandbox_child.py READ_FD WRITE_FD WARDEN_PID`.
The same script is the runner (its start-up message says `role: runner`): a process that never
imports a submission and only deserializes, checks and runs the programs the submissions'
children export (`runnable`, `run_program`). Its frames are scanprops/wire.py's.

Nothing here imports scanprops, Hypothesis or pytest, so a submission that looks into
`sys.modules` sees JAX, NumPy and the standard library, never the harness. The parent
(scanprops/isolation.py) sends requests as plain data over a pipe; this process imports the
implementation, runs the described calls and sends back only builtins: numbers, strings,
tuples, lists, dicts and raw array bytes with their dtype and shape (the parent unpickles them
with a loader that refuses every class).

Before the submission is imported, this process:
- dies with its warden (PR_SET_PDEATHSIG; the warden, scanprops/warden.py, started it);
- takes its import path from the parent (site-packages and the submission's folder; the
  harness's own folders only for the harness's own implementations) and writes no bytecode;
- applies the kernel's layers of scanprops/confinement.py (loaded by its path): a network
  namespace and Landlock's file rules (sent by the parent) before JAX starts its threads, the
  seccomp filter after the resource limits are set; its first reply says which it applied;
- binds the JAX and NumPy callables it uses itself (jit, grad, vmap, make_jaxpr, device_put,
  asarray, ...) and snapshots the public attributes of jax, jax.numpy, jax.lax, jax.tree_util,
  jax.random, numpy and builtins; after the import and after every call a changed attribute is
  reported as tampering;
- sets resource limits (address space above what JAX already holds, CPU seconds, file size,
  process count) and installs an audit hook (which cannot be removed) that refuses: importing
  the harness's packages (scanprops, strategies, props, impls: the reference implementations and
  oracles, i.e. the answer key) or reading their files, reading other processes' /proc entries
  (the report path is on the grader's command line), writing files outside this process's own
  temporary folder (and the compilation-cache folder the parent chose for it, if any), starting
  processes, signalling other processes, and opening sockets. Refused imports and reads are
  reported as `error` with what was attempted.

JAX's persistent compilation cache (`use_compile_cache`, also used by the parent for its own
folder) is pointed at the folder the parent sends, or turned off when it sends none; the child
never derives it from its environment.

`run_call` is also usable in-process by the harness's own tests and benchmarks on its own
implementations (scanprops.seam.execute); the properties never call it in their own process.
"""
from __future__ import annotations

import os
import sys
import traceback

# Bound by _bind() from the real modules, before any submission code runs.
np = jax = jnp = None
_ORIG: dict = {}
_BOUND = False

HARNESS_PACKAGES = ("scanprops", "strategies", "props", "impls")
MAX_TEXT = 4000


class CallError(Exception):
    """The code under test did not produce a usable result; summary and detail, for a person."""

    def __init__(self, summary: str, detail: str = ""):
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


class MemoryLimit(CallError):
    pass


def _bind() -> None:
    """Import NumPy and JAX and keep the callables this file uses, before any submission code."""
    global np, jax, jnp, _BOUND
    if _BOUND:
        return
    import numpy
    import jax as _jax
    import jax.numpy as _jnp
    import jax.tree_util  # noqa: F401

    np, jax, jnp = numpy, _jax, _jnp
    _ORIG.update(
        jit=_jax.jit, grad=_jax.grad, vmap=_jax.vmap, make_jaxpr=_jax.make_jaxpr,
        device_put=_jax.device_put, devices=_jax.devices, jnp_asarray=_jnp.asarray, vdot=_jnp.vdot,
        full_like=_jnp.full_like, tree_map=_jax.tree_util.tree_map, np_asarray=numpy.asarray,
        np_stack=numpy.stack, np_frombuffer=numpy.frombuffer, ndarray=numpy.ndarray,
        generic=numpy.generic, array_type=type(_jnp.zeros(())), tree_flatten=_jax.tree_util.tree_flatten,
        shape_dtype=_jax.ShapeDtypeStruct,
    )
    try:
        from jax import export as _export

        _ORIG.update(export=_export.export, deserialize=_export.deserialize)
    except ImportError:  # older jax: no jax.export (scanprops/compat.py names the range)
        pass
    _BOUND = True


# --- values in: plain data from the parent ----------------------------------------------------
class Poly:
    """c0 + c1*x + ... + cn*x**n (lowest degree first), evaluated with Horner's rule in the array
    module of x: the harness's `strategies.functions.Poly`, rebuilt from its coefficients here
    (that module imports Hypothesis). Frozen and hashable, so jax.jit can take it as static."""

    __slots__ = ("coeffs",)

    def __init__(self, coeffs):
        object.__setattr__(self, "coeffs", tuple(float(c) for c in coeffs))

    def __setattr__(self, name, value):
        raise AttributeError("Poly is immutable")

    def __call__(self, x):
        xp = np if isinstance(x, (np.ndarray, np.generic, float, int)) else jnp
        acc = xp.full_like(x, self.coeffs[-1])
        for c in reversed(self.coeffs[:-1]):
            acc = acc * x + c
        return acc

    def derivative(self) -> "Poly":
        if len(self.coeffs) == 1:
            return Poly((0.0,))
        return Poly(tuple(float(k * c) for k, c in enumerate(self.coeffs) if k > 0))

    @property
    def degree(self) -> int:
        return len(self.coeffs) - 1

    def __eq__(self, other):
        return type(other) is Poly and other.coeffs == self.coeffs

    def __hash__(self):
        return hash(("Poly", self.coeffs))

    def __repr__(self):
        return f"Poly{self.coeffs}"


def decode_arg(wire):
    """("poly", coeffs) or ("value", x): x is NumPy arrays, scalars, Python numbers, dicts; or an
    input's shape without its values, ("spec", shape, dtype) or ("specs", {name: spec})."""
    kind, payload = wire[0], wire[1]
    if kind == "poly":
        return Poly(payload)
    if kind == "spec":
        return _ORIG["shape_dtype"](wire[1], np.dtype(wire[2]))
    if kind == "specs":
        return {k: decode_arg(v) for k, v in payload.items()}
    return payload


# --- values out: builtins only ----------------------------------------------------------------
_NUMERIC_KINDS = "biufc"


def _leaf(value, what: str):
    """One returned leaf as ("a", dtype, shape, bytes) plus its devices; CallError otherwise."""
    t = type(value)
    devices = ()
    if t is _ORIG["array_type"]:
        devices = tuple(sorted(str(d) for d in value.devices()))
        arr = _ORIG["np_asarray"](value)
    elif t is _ORIG["ndarray"]:
        arr = value
    elif t in (float, int, bool) or (isinstance(value, _ORIG["generic"]) and t.__module__ == "numpy"):
        arr = _ORIG["np_asarray"](value)
    else:
        raise CallError(f"{what} returned a {_type_name(value)}, not an array.",
                        "Return a jax.numpy array (or the tuple of arrays the catalog asks for); "
                        "objects of other classes are not read, whatever they claim to hold.")
    if type(arr) is not _ORIG["ndarray"] or arr.dtype.kind not in _NUMERIC_KINDS or arr.dtype.fields:
        raise CallError(f"{what} returned an array of dtype {arr.dtype}, not numbers.")
    dtype = arr.dtype.str
    if dtype[0] not in "<|" or arr.dtype.type.__module__ != "numpy":  # e.g. bfloat16 (ml_dtypes)
        raise CallError(f"{what} returned an array of dtype {arr.dtype}, which is not a NumPy number type.")
    return ("a", dtype, tuple(int(n) for n in arr.shape), arr.tobytes()), devices


def encode_output(out, what: str):
    """A bare array or a flat tuple of arrays -> wire form and the devices it lives on."""
    if out is None:
        raise CallError(f"{what} returned None.",
                        "A function that builds its result but never `return`s it returns None.")
    if type(out) is tuple:
        if not out:
            raise CallError(f"{what} returned an empty tuple, which holds no array.")
        items, devices = [], set()
        for item in out:
            if type(item) is tuple or type(item) is list or type(item) is dict:
                raise CallError(f"{what} returned a tuple holding a {type(item).__name__}: the catalog's "
                                "results are a bare array or a flat tuple of arrays.")
            wire, devs = _leaf(item, what)
            items.append(wire)
            devices.update(devs)
        return ("t", items), tuple(sorted(devices))
    if type(out) in (list, dict):
        raise CallError(f"{what} returned a {type(out).__name__}, not an array or a tuple of arrays.",
                        "Return a jax.numpy array, or a tuple where the catalog asks for several results.")
    wire, devices = _leaf(out, what)
    return wire, devices


def encode_grads(grads, wrt, what: str):
    """A tuple with one gradient per argument: an array, or a dict of arrays for a params dict."""
    items = []
    for name, g in zip(wrt, grads):
        if type(g) is dict:
            entries = []
            for key, leaf in g.items():
                if type(key) is not str:
                    raise CallError(f"{what}: the gradient for {name} has a key of type {type(key).__name__}.")
                entries.append((key, _leaf(leaf, what)[0]))
            items.append(("d", entries))
        else:
            items.append(_leaf(g, what)[0])
    return ("t", items)


def _type_name(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


# --- running one described call -----------------------------------------------------------------
LOOP_PRIMITIVES = ("scan", "while")


def jaxpr_stats(closed):
    def subjaxprs(params):
        for param in params.values():
            for sub in param if isinstance(param, (tuple, list)) else (param,):
                if hasattr(sub, "eqns"):
                    yield sub
                elif hasattr(getattr(sub, "jaxpr", None), "eqns"):
                    yield sub.jaxpr

    def walk(jaxpr, found):
        count = 0
        for eqn in jaxpr.eqns:
            count += 1
            if eqn.primitive.name in LOOP_PRIMITIVES:
                found.append(eqn.primitive.name)
            count += sum(walk(sub, found) for sub in subjaxprs(eqn.params))
        return count

    found: list = []
    n = walk(closed.jaxpr, found)
    return ("jaxpr", int(n), tuple(str(f) for f in found), len(str(closed).splitlines()))


def _to_jax(value):
    return _ORIG["tree_map"](lambda v: _ORIG["jnp_asarray"](v) if isinstance(v, _ORIG["ndarray"]) else v, value)


# grad, vmap and the single calls vmap compares with run compiled, one program per signature
# (not one per primitive and call, as op by op: a scan body defined inside the function is traced
# anew at every eager call and its scan recompiled); where jit cannot trace the code (Python
# control flow on values, a NumPy round trip), the call runs op by op as before, so a verdict is
# the transformation's own, never jit's. Plain calls stay op by op (they are what `oracle` and
# `jit` judge), and so do device calls: under jit, a device_put to devices()[0] inside the
# function is folded away (the result lands on the inputs' device), which would blind `devices`.
_PROGRAMS: dict = {}


def _program(key, fn, build):
    """The compiled program `build()` makes, once per key; fn is kept so that id(fn), part of
    the key, is not reused while the program is cached."""
    if key not in _PROGRAMS:
        _PROGRAMS[key] = (fn, build())
    return _PROGRAMS[key][1]


def _jitted(fn, static_pos):
    """jax.jit(fn), one per function: the `jit` property's program, which `single` calls share."""
    return _program(("jit", id(fn), static_pos), fn, lambda: _ORIG["jit"](fn, static_argnums=static_pos))


def _compiled_or_eager(program, args, eager):
    """program(*args), or eager() where jit cannot trace the code (the eager call then says what
    is wrong, if anything is)."""
    try:
        return program(*args)
    except CallError:
        raise
    except Exception:  # noqa: BLE001
        return eager()


def _grad_program(fn, static_pos, ks, jitted=True):
    """(cotangent, *args) -> d vdot(cotangent, fn(*args)) / d args[k] for k in ks."""

    def grads(cot, *args):
        def scalar(*vs):
            call = list(args)
            for k, v in zip(ks, vs):
                call[k] = v
            return _ORIG["vdot"](cot, _ORIG["jnp_asarray"](fn(*call)))

        return _ORIG["grad"](scalar, argnums=tuple(range(len(ks))))(*[args[k] for k in ks])

    return _ORIG["jit"](grads, static_argnums=tuple(p + 1 for p in static_pos)) if jitted else grads


def _vmap_program(fn, static_pos, mapped, jitted=True):
    """(*args, the mapped ones stacked) -> vmap of fn over the mapped arguments' leading axis."""

    def batched(*args):
        def one(*mapped_values):
            call = list(args)
            for i, v in zip(mapped, mapped_values):
                call[i] = v
            return fn(*call)

        return _ORIG["vmap"](one)(*[args[i] for i in mapped])

    return _ORIG["jit"](batched, static_argnums=static_pos) if jitted else batched


def _as_called(fn, names):
    """(f, names): `f` takes every argument positionally and calls `fn` the way `names` says (a
    name: positionally; ("keyword", name): by keyword, after the positional ones), so every call
    kind below, transformations included, reaches `fn` in the described form. One `f` per
    function and form, kept (its id keys the compiled programs)."""
    plain = tuple(n if isinstance(n, str) else n[1] for n in names)
    keywords = tuple(n[1] for n in names if not isinstance(n, str))
    if not keywords:
        return fn, plain
    npos = len(names) - len(keywords)
    assert all(isinstance(n, str) for n in names[:npos]), "keyword arguments come last"

    def build():
        def as_called(*args):
            return fn(*args[:npos], **dict(zip(keywords, args[npos:])))

        return as_called

    return _program(("form", id(fn), npos, keywords), fn, build), plain


def _prepared(fn, static, names):
    """(f taking every argument positionally in the call's form, the arguments' names, the
    static ones' positions, a function putting the others on JAX's side)."""
    _bind()
    fn, names = _as_called(fn, names)
    static_pos = tuple(i for i, n in enumerate(names) if n in static)

    def positional(vals):
        return [vals[i] if i in static_pos else _to_jax(vals[i]) for i in range(len(names))]

    return fn, names, static_pos, positional


def run_call(fn, function: str, static, names, values, how):
    """Run one described call of `fn`; returns (wire result, devices). `names` are the passed
    arguments' names in call order, ("keyword", name) for one passed by keyword. `how` is a tuple:
    ("plain",), ("jit",), ("single",), ("grad", wrt, cotangent), ("vmap", [values per case], mapped),
    ("device", index), ("jaxpr",). Anything the code under test raises becomes a CallError."""
    fn, names, static_pos, positional = _prepared(fn, static, names)
    kind = how[0]
    try:
        if kind == "plain":
            return encode_output(fn(*positional(values)), function)
        if kind == "jit":
            return encode_output(_jitted(fn, static_pos)(*positional(values)), function)
        if kind == "single":
            args = positional(values)
            return encode_output(_compiled_or_eager(_jitted(fn, static_pos), args, lambda: fn(*args)), function)
        if kind == "device":
            device = _ORIG["devices"]()[how[1]]
            args = [v if i in static_pos else _ORIG["device_put"](_to_jax(v), device) for i, v in enumerate(values)]
            return encode_output(fn(*args), function)
        if kind == "jaxpr":
            dyn = [i for i in range(len(names)) if i not in static_pos]

            def traced(*dyn_values):
                args = list(values)
                for i, v in zip(dyn, dyn_values):
                    args[i] = v
                return fn(*args)

            return jaxpr_stats(_ORIG["make_jaxpr"](traced)(*[_to_jax(values[i]) for i in dyn])), ()
        if kind == "grad":
            wrt, cotangent = how[1], how[2]
            ks = tuple(names.index(w) for w in wrt)
            args, cot = positional(values), _ORIG["jnp_asarray"](cotangent)
            program = _program(("grad", id(fn), static_pos, ks), fn, lambda: _grad_program(fn, static_pos, ks))
            eager = _grad_program(fn, (), ks, jitted=False)
            grads = _compiled_or_eager(program, (cot, *args), lambda: eager(cot, *args))
            return encode_grads(tuple(grads), wrt, f"grad of {function}"), ()
        if kind == "vmap":
            batch, mapped_names = how[1], how[2]
            mapped = tuple(i for i, n in enumerate(names) if n in mapped_names)
            args = positional(batch[0])
            for i in mapped:
                args[i] = _to_jax(_ORIG["tree_map"](lambda *xs: _ORIG["np_stack"](xs), *[vals[i] for vals in batch]))
            program = _program(("vmap", id(fn), static_pos, mapped), fn, lambda: _vmap_program(fn, static_pos, mapped))
            out = _compiled_or_eager(program, args, lambda: _vmap_program(fn, (), mapped, jitted=False)(*args))
            return encode_output(out, f"vmap of {function}")
    except CallError:
        raise
    except (MemoryError, SystemExit, Exception) as exc:
        raise _call_error(exc, function) from None
    raise CallError(f"unknown call kind {kind!r}")


def _call_error(exc: BaseException, function: str, summary: str | None = None, detail: str | None = None) -> CallError:
    """What the code under test (or its program) raising `exc` tells the judge: out of memory, an
    exit, or `summary` and `detail` (by default: what it raised, and the learner's own frames)."""
    if isinstance(exc, MemoryError):
        return MemoryLimit(f"{function} ran out of memory (MemoryError)")
    if isinstance(exc, SystemExit):
        return CallError(f"{function} called exit({exc.code!r}).", "Never exit the process from a function.")
    text = str(exc)
    if "RESOURCE_EXHAUSTED" in text or "Out of memory" in text:
        return MemoryLimit(f"{function} ran out of memory: {_first_line(exc)}")
    return CallError(summary or f"{function} raised {type(exc).__name__}: {_first_line(exc)}",
                     _learner_frames(exc) if detail is None else detail)


# --- programs instead of claims: jax.export here, run by the runner ------------------------------------
# For `jit`, `grad`, `vmap` and `structure`, this process (the submission's) only traces and
# lowers the transformation with jax.export and sends the serialized StableHLO; the runner, a
# process of this script that never imports a submission (`runner_main`), deserializes, checks,
# compiles and runs it. What this process says about those calls is a program, whose values are
# computed elsewhere: a forged one must compute the right values to pass, i.e. be a solution.
_EXPORTS: dict = {}


def _signature_key(args) -> tuple:
    leaves, tree = _ORIG["tree_flatten"](args)
    return (str(tree), tuple((tuple(getattr(v, "shape", ())), str(getattr(v, "dtype", type(v).__name__)))
                             if hasattr(v, "shape") else ("static", v) for v in leaves))


def export_call(fn, function: str, static, names, values, how) -> bytes:
    """The serialized jax.export of the described transformation of `fn` at these arguments'
    shapes (the static ones baked in; the others are shapes only, never values): jit (which
    `single` and `structure` share), grad (its cotangent a shape too), vmap (the batch's size).
    `names` as in run_call: the call's form (keywords) is part of the program."""
    fn, names, static_pos, positional = _prepared(fn, static, names)
    kind = how[0]
    if kind == "jit":
        program, args, tag = _jitted(fn, static_pos), positional(values), ("jit",)
    elif kind == "grad":
        ks = tuple(names.index(w) for w in how[1])
        program = _program(("grad", id(fn), static_pos, ks), fn, lambda: _grad_program(fn, static_pos, ks))
        args, tag = [decode_arg(how[2]), *positional(values)], ("grad", ks)
    elif kind == "vmap":
        size, mapped_names = how[1], how[2]
        mapped = tuple(i for i, n in enumerate(names) if n in mapped_names)
        args = positional(values)
        for i in mapped:  # the batch's shape: a leading axis of `size` on every mapped leaf
            args[i] = _ORIG["tree_map"](lambda v: _ORIG["shape_dtype"]((size, *v.shape), v.dtype), args[i])
        program = _program(("vmap", id(fn), static_pos, mapped), fn, lambda: _vmap_program(fn, static_pos, mapped))
        tag = ("vmap", mapped)
    else:
        raise CallError(f"unknown program kind {kind!r}")
    key = (tag, id(fn), _signature_key(args))
    if key in _EXPORTS:
        return _EXPORTS[key][1]
    what = {"grad": f"jax.grad of {function}", "vmap": f"jax.vmap of {function}"}.get(kind, f"jax.jit({function})")
    try:
        blob = bytes(_ORIG["export"](program)(*args).serialize())
    except CallError:
        raise
    except (MemoryError, SystemExit, Exception) as exc:
        raise _call_error(
            exc, function, f"{what} cannot be compiled as one program: {type(exc).__name__}: {_first_line(exc)}",
            "The jit, grad, vmap and structure properties judge the compiled program (jax.export of the "
            "transformation, run in a separate process). Python control flow on traced values (an `if` or "
            "`while` on an array), a NumPy round trip, or a host callback (jax.pure_callback, io_callback, "
            "jax.debug.print) cannot be compiled into it: use jnp.where, lax.cond or lax.while_loop, and "
            "remove callbacks.\n" + _learner_frames(exc)) from None
    _EXPORTS[key] = (fn, blob)
    return blob


# What a program the runner runs may call besides StableHLO's own operations: XLA's sharding
# annotations and jax.export's shape checks, XLA's own operations written as custom calls
# (`mhlo.erf` on JAX 0.4.x, which gelu uses), the CPU's LAPACK kernels (jnp.linalg) and the
# accelerators' vendor kernels. Host callbacks (Python in the process that exported the program)
# and any other custom call are refused.
ALLOWED_CUSTOM_CALLS = ("Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape", "shape_assertion",
                        "annotate_device_placement", "MoveToHost", "MoveToDevice")
ALLOWED_CUSTOM_CALL_PREFIXES = ("lapack_", "cu", "hip", "ducc_", "mhlo.", "chlo.")


def _custom_calls(text: str) -> list[str]:
    import re

    return sorted(set(re.findall(r"stablehlo\.custom_call\s+@([\w.$-]+)", text))
                  | set(re.findall(r"call_target_name\s*=\s*\"([^\"]+)\"", text)))


_RUNNABLE: dict = {}


def runnable(blob: bytes, function: str):
    """(exported, its module text, a jitted caller) for a serialized program, after checking that
    it is one the runner may run: one device, no effects, no custom call outside the list."""
    import hashlib

    digest = hashlib.sha256(blob).digest()
    if digest in _RUNNABLE:
        return _RUNNABLE[digest]
    try:
        exported = _ORIG["deserialize"](bytearray(blob))
    except Exception as exc:  # noqa: BLE001
        raise CallError(f"the program exported for {function} cannot be read: {type(exc).__name__}: {_first_line(exc)}")
    text = exported.mlir_module()
    refused = [t for t in _custom_calls(text)
               if t not in ALLOWED_CUSTOM_CALLS and not t.startswith(ALLOWED_CUSTOM_CALL_PREFIXES)]
    if refused or exported.ordered_effects or exported.unordered_effects:
        raise CallError(
            f"the compiled program of {function} calls out of XLA ({', '.join(refused) or 'effects'}): host "
            "callbacks (jax.pure_callback, io_callback, jax.debug.print) and foreign custom calls are not run",
            "The program is judged on its own, in a process without the submission's Python; remove callbacks "
            "and debug prints from the function.")
    if exported.nr_devices != 1:
        raise CallError(f"the program exported for {function} spans {exported.nr_devices} devices, not one.")
    entry = (exported, text, _ORIG["jit"](exported.call))
    _RUNNABLE[digest] = entry
    return entry


def program_stats(text: str) -> tuple:
    """The program's size (StableHLO operations, nested regions included, constants not: the
    lowering merges equal constants, so a loop's trip count may or may not have one of its own),
    the loops in it, and its lines: what `structure` judges."""
    import re

    ops = [op for op in re.findall(r"\b(stablehlo|chlo|mhlo)\.([a-z_]+)", text) if op[1] != "constant"]
    loops = tuple("while" for _, op in ops if op == "while")
    return (len(ops), loops, len(text.splitlines()))


def run_program(blob: bytes, function: str, kind: str, wrt, args):
    """The runner's one job: run a checked program on the arguments; (wire result, devices).
    `kind`: jit, grad (gradients for the arguments `wrt`) or vmap."""
    exported, text, call = runnable(blob, function)
    try:
        out = call(*[_to_jax(a) for a in args])
    except Exception as exc:  # noqa: BLE001
        raise _call_error(exc, function, f"the compiled program of {function} ({kind}) fails: "
                          f"{type(exc).__name__}: {_first_line(exc)}", "") from None
    if kind == "grad":
        return encode_grads(tuple(out), tuple(wrt), f"grad of {function}"), ()
    return encode_output(out, f"vmap of {function}" if kind == "vmap" else function)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else "(no message)"


def _learner_frames(exc: BaseException) -> str:
    """The traceback lines that point into the learner's file, not into JAX or the harness."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f"  {f.filename}:{f.lineno} in {f.name}: {f.line}" for f in frames
            if "site-packages" not in f.filename and "/scanprops/" not in f.filename]
    full = str(exc).strip()
    return "\n".join(mine[-4:] + ([full] if len(full.splitlines()) > 1 else []))[:2000]


# --- importing the implementation --------------------------------------------------------------
class LoadError(Exception):
    """The module cannot be verified at all; the message says why, for a person."""


def load(spec: str, label: str):
    """Import `spec` (a .py path or a dotted module name) or raise LoadError; `label` is how the
    person named it (--impl ...)."""
    import importlib
    import importlib.util

    if spec.endswith(".py") or "/" in spec:
        if not os.path.isfile(spec):
            raise LoadError(f"--impl {label}: no such file.")
        stem = os.path.splitext(os.path.basename(spec))[0]
        name = stem if stem.isidentifier() and stem not in sys.modules else "submission"
        module_spec = importlib.util.spec_from_file_location(name, spec)
        if module_spec is None or module_spec.loader is None:
            raise LoadError(f"--impl {label}: not a Python module.")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        _run(lambda: module_spec.loader.exec_module(module), label, spec)
        return module
    holder: list = []
    try:
        _run(lambda: holder.append(importlib.import_module(spec)), label, None)
    except LoadError as exc:
        if f"No module named '{spec.split('.')[0]}'" in str(exc):
            raise LoadError(f"--impl {label}: no module of that name is importable from here "
                            "(a file path must end in .py).") from None
        raise
    return holder[0]


def _run(action, label: str, path) -> None:
    try:
        action()
    except SyntaxError as exc:
        line = (exc.text or "").rstrip()
        where = f"{exc.filename}, line {exc.lineno}"
        raise LoadError(f"--impl {label} does not import: SyntaxError in {where}: {exc.msg}"
                        + (f"\n    {line}\n    {' ' * max((exc.offset or 1) - 1, 0)}^" if line else "")) from None
    except SystemExit as exc:
        raise LoadError(f"--impl {label} called exit({exc.code!r}) while being imported.") from None
    except MemoryError:
        raise LoadError(f"--impl {label} ran out of memory while being imported.") from None
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if path is None or f.filename == path]
        where = f" (line {frames[-1].lineno}: {frames[-1].line})" if frames else ""
        raise LoadError(f"--impl {label} does not import: {type(exc).__name__}: {_first_line(exc)}{where}") from None


def signature_problem(fn, expected, signature: str) -> str:
    """Why `fn` cannot be called with the catalog's positional arguments, or '' when it can."""
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return ""  # builtins and C functions: let the call decide
    try:
        sig.bind(*expected)
    except TypeError as exc:
        return (f"its signature is {getattr(fn, '__name__', 'f')}{sig}, but the catalog calls {signature} "
                f"with {len(expected)} positional arguments ({exc}).")
    return ""


def inspect_module(module, catalog: dict) -> dict:
    """{"provided": [names], "signature": {name: problem}} for the catalog {name: (argnames, signature)}."""
    provided, problems = [], {}
    for name, (argnames, signature) in catalog.items():
        fn = getattr(module, name, None)
        if callable(fn):
            provided.append(name)
            why = signature_problem(fn, tuple(argnames), signature)
            if why:
                problems[name] = why[:MAX_TEXT]
    return {"provided": provided, "signature": problems}


# --- compile events, for the speed benchmark (opt-in) --------------------------------------------
class CompileTally:
    """What JAX compiled in this process and how long it took, from JAX's own monitoring events
    (`jax.monitoring`, present since before jax 0.4.30): tracing to a jaxpr, lowering to MLIR, and
    the backend compile (which also times a load from the persistent cache; those loads are
    counted apart as `cache_hits`). Off unless installed: the parent's config asks for it
    (`compile_stats`), and the benchmark installs one in its own process. Nothing here changes
    what JAX does.

    Events nest (a jit traced inside another's trace reports both), so `compile_s` is the length
    of the union of the events' time spans; each span ends when its listener is called."""

    TRACE = "/jax/core/compile/jaxpr_trace_duration"
    LOWER = "/jax/core/compile/jaxpr_to_mlir_module_duration"
    BACKEND = "/jax/core/compile/backend_compile_duration"
    HITS = "/jax/compilation_cache/cache_hits"

    def __init__(self):
        import time

        self._now = time.monotonic
        self.reset()

    def reset(self) -> None:
        self._spans: list = []  # the events' merged (start, end) spans, in order
        self.compiles = self.cache_hits = self.traces = 0
        self.trace_s = self.lower_s = self.backend_s = self.compile_s = 0.0

    def install(self, jax_module) -> bool:
        """Register the listeners; False where this JAX has no monitoring API."""
        monitoring = getattr(jax_module, "monitoring", None)
        try:
            monitoring.register_event_duration_secs_listener(self._duration)
            monitoring.register_event_listener(self._event)
        except (AttributeError, TypeError):
            return False
        return True

    def _event(self, event, *args, **kwargs) -> None:
        if event == self.HITS:
            self.cache_hits += 1

    def _duration(self, event, duration, *args, **kwargs) -> None:
        if event == self.BACKEND:
            self.compiles += 1
            self.backend_s += duration
        elif event == self.TRACE:
            self.traces += 1
            self.trace_s += duration
        elif event == self.LOWER:
            self.lower_s += duration
        else:
            return
        end = self._now()
        start = end - float(duration)
        spans = self._spans
        while spans and spans[-1][1] >= start:  # spans end in order: merge the ones this overlaps
            first, last = spans.pop()
            start = min(start, first)
            self.compile_s -= last - first
        spans.append((start, end))
        self.compile_s += end - start

    def take(self, reset: bool = True) -> dict:
        """The tallies since the last reset (builtins only); then start afresh unless `reset` is
        False."""
        out = {"compiles": self.compiles, "cache_hits": self.cache_hits, "traces": self.traces,
               "trace_s": self.trace_s, "lower_s": self.lower_s, "backend_s": self.backend_s,
               "compile_s": self.compile_s}
        if reset:
            self.reset()
        return out


# --- JAX's persistent compilation cache ----------------------------------------------------------
def use_compile_cache(jax_module, path) -> bool:
    """Point JAX's persistent compilation cache at the folder `path`, caching every program however
    small or quick to compile; `path` None turns the cache off. Call it before the first compile.
    Options this JAX does not know are skipped. True when the cache is on."""
    config = jax_module.config

    def option(name, value) -> bool:
        try:
            config.update(name, value)
            return True
        except (AttributeError, KeyError, ValueError, TypeError, RuntimeError):
            return False

    if path is None:
        option("jax_enable_compilation_cache", False)
        option("jax_compilation_cache_dir", None)
        return False
    option("jax_enable_compilation_cache", True)
    option("jax_persistent_cache_min_compile_time_secs", 0.0)  # the default (1 s) skips nearly all of ours
    option("jax_persistent_cache_min_entry_size_bytes", -1)  # no size threshold, and none filled in for us
    _atomic_cache_writes()
    return option("jax_compilation_cache_dir", str(path))


def _atomic_cache_writes() -> None:
    """Make the cache's writes atomic: a temporary file in the cache folder, then a rename.

    JAX's LRUCache (without a size limit: no file lock) writes an entry in place with
    `Path.write_bytes`, so a process reading the same entry meanwhile, e.g. another pytest
    worker under -n auto, can read it half written (JAX then warns and compiles) and two
    writers can interleave. With the rename an entry is absent or whole. Left as it is when
    this JAX's cache does not look as expected."""
    import pathlib
    import tempfile

    try:
        from jax._src import lru_cache
    except ImportError:
        return
    cls = getattr(lru_cache, "LRUCache", None)
    suffix = getattr(lru_cache, "_CACHE_SUFFIX", "")  # older releases name an entry by its key alone
    put = getattr(cls, "put", None)
    if put is None or not isinstance(suffix, str) or getattr(put, "atomic", False):
        return

    def atomic_put(self, key, value):
        folder = getattr(self, "path", None)
        if getattr(self, "eviction_enabled", True) or not key or not isinstance(folder, pathlib.PurePath):
            return put(self, key, value)  # a size limit (JAX locks) or a remote file system
        final = os.path.join(str(folder), f"{key}{suffix}")
        if os.path.exists(final):
            return None
        fd, temporary = tempfile.mkstemp(dir=str(folder), prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(value)
            os.replace(temporary, final)
        except BaseException:
            try:
                os.remove(temporary)
            except OSError:
                pass
            raise
        return None

    atomic_put.atomic = True
    cls.put = atomic_put


# --- the sandbox ----------------------------------------------------------------------------------
class Guard:
    """What the submission must not change or reach, and what it tried."""

    WATCHED = ("builtins", "numpy", "jax", "jax.numpy", "jax.lax", "jax.tree_util", "jax.random")

    def __init__(self):
        import builtins

        self.attempts: list = []  # refused imports and reads of the harness: the answer key
        self.modules = {name: sys.modules[name] for name in self.WATCHED if name in sys.modules}
        self.snapshot = {}
        for name, module in self.modules.items():
            for attr, value in list(vars(module).items()):
                if name == "builtins" or not attr.startswith("_"):
                    self.snapshot[(name, attr)] = value
        array_type = _ORIG["array_type"]
        self.class_dict = dict(vars(array_type))
        self.array_type = array_type
        self._builtins = builtins
        self._excepthook = sys.excepthook

    def changes(self) -> list:
        """Every watched attribute that is no longer the original object."""
        found = []
        missing = object()
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                found.append(f"sys.modules[{name!r}] was replaced")
        for (name, attr), value in self.snapshot.items():
            if vars(self.modules[name]).get(attr, missing) is not value:
                found.append(f"{name}.{attr}" if name != "builtins" else f"builtins.{attr}")
        current = vars(self.array_type)
        for attr, value in self.class_dict.items():
            if current.get(attr, missing) is not value:
                found.append(f"{self.array_type.__name__}.{attr}")
        for attr in current:
            if attr not in self.class_dict:
                found.append(f"{self.array_type.__name__}.{attr} (added)")
        return found


def _install_audit_hook(guard: Guard, trusted: bool, harness_dirs, workdir: str, cache_dir=None) -> None:
    """Refuse what a submission has no business doing (see the module docstring). Audit hooks
    cannot be removed; the hook keeps its state in this closure. Writes may go to `workdir` and
    to `cache_dir` (the compilation cache the parent chose for this child), nowhere else."""
    own_pid = str(os.getpid())
    realpath, sep = os.path.realpath, os.sep
    writable = tuple(realpath(d) + sep for d in (workdir, cache_dir) if d)
    harness = tuple(realpath(d) + sep for d in harness_dirs)
    itself = realpath(__file__)  # this script (tracebacks read it): no secret, not the answer key
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    spawning = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
                "subprocess.Popen", "pty.spawn", "os.startfile"}
    path_changes = {"os.rename", "os.remove", "os.rmdir", "os.truncate", "os.mkdir", "os.chmod", "os.chown",
                    "os.utime", "os.symlink", "os.link", "shutil.rmtree", "shutil.copyfile", "shutil.move"}
    attempts = guard.attempts

    def outside(path) -> bool:
        if isinstance(path, int):
            return False
        if isinstance(path, bytes):
            path = path.decode(errors="replace")
        full = realpath(str(path))
        return not (full + sep).startswith(writable) and full != "/dev/null"

    def hook(event, args):
        if event == "import":
            top = str(args[0]).partition(".")[0]
            if not trusted and top in HARNESS_PACKAGES:
                attempts.append(f"import {args[0]}")
                raise ImportError(f"No module named {args[0]!r}")
        elif event == "open":
            path, mode, flags = args
            if isinstance(path, int):
                return
            if isinstance(path, bytes):
                path = path.decode(errors="replace")
            path = str(path)
            writes = (mode is not None and any(c in str(mode) for c in "wax+")) or (
                isinstance(flags, int) and flags & write_flags)
            if writes and outside(path):
                raise PermissionError(f"writing {path} is not allowed here")
            full = realpath(path)
            if full.startswith("/proc/"):
                part = full[6:].split("/", 1)[0]
                if part.isdigit() and part != own_pid:
                    raise PermissionError(f"reading {path} is not allowed here")
            if not trusted and (full + sep).startswith(harness) and full != itself:
                attempts.append(f"open {full}")
                raise PermissionError(f"reading {path} is not allowed here")
        elif event in spawning:
            raise PermissionError(f"{event} is not allowed here: code under test starts no processes")
        elif event in ("os.kill", "os.killpg"):
            if event == "os.killpg" or str(args[0]) != own_pid:
                raise PermissionError(f"{event} is not allowed here")
        elif event in ("socket.connect", "socket.bind"):
            raise PermissionError(f"{event} is not allowed here: code under test has no network")
        elif event in path_changes:
            for path in args:
                if isinstance(path, (str, bytes, os.PathLike)) and outside(path):
                    raise PermissionError(f"{event} on {path} is not allowed here")

    sys.addaudithook(hook)


def _limit_resources(config: dict, user_tasks: int) -> None:
    import resource

    def vm_size_bytes() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        return 0

    memory = config.get("memory_mb") or 0
    if memory:
        limit = vm_size_bytes() + memory * 2**20  # JAX already reserves ~1.5 GB of address space
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = config.get("cpu_s") or 0
    if cpu:
        used = int(sum(os.times()[:2])) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (used + cpu, used + cpu))
    files = config.get("file_mb") or 0
    if files:
        resource.setrlimit(resource.RLIMIT_FSIZE, (files * 2**20, files * 2**20))
    tasks = config.get("tasks") or 0
    if tasks:
        try:
            mine = sum(1 for _ in os.scandir(f"/proc/{os.getpid()}/task"))
            resource.setrlimit(resource.RLIMIT_NPROC, (user_tasks + mine + tasks,) * 2)
        except (OSError, ValueError):
            pass


def _user_tasks() -> int:
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += sum(1 for _ in os.scandir(f"/proc/{entry.name}/task"))
            except OSError:
                pass
    return count


def _exit_with_parent(parent_pid: int) -> None:
    import time

    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def _load_sibling(name: str):
    """scanprops/<name>.py, by its path (this process never imports scanprops)."""
    import importlib.util

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"_scanprops_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _hide_pipes(read_fd: int, write_fd: int) -> tuple[int, int]:
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


def _confine_early(confinement, sandbox: dict) -> dict:
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


def main(read_fd: int, write_fd: int, warden_pid: int | None = None) -> None:
    import threading
    from multiprocessing.connection import Connection

    wire = _load_sibling("wire")
    read_fd, write_fd = _hide_pipes(read_fd, write_fd)
    requests, replies = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    start_nonce, start = wire.decode_request(requests.recv_bytes())
    config = start.settings
    confinement = _load_sibling("confinement")
    parent = warden_pid or config["parent_pid"]
    confinement.die_with_parent(parent)
    sys.path[:] = config["path"]
    sys.dont_write_bytecode = True
    user_tasks = _user_tasks()  # other processes' /proc entries are unreadable from here on
    layers = _confine_early(confinement, config["sandbox"])
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    import jax as _jax

    try:
        _jax.config.update("jax_num_cpu_devices", config["cpu_devices"])
    except (AttributeError, RuntimeError, KeyError):
        pass  # older jax: XLA_FLAGS (set by the parent) does it
    tally = None
    if config.get("compile_stats"):  # the speed benchmark's counts (off in every verification run)
        tally = CompileTally()
        if not tally.install(_jax):
            tally = None
    cache_dir = config.get("compile_cache")
    if not use_compile_cache(_jax, cache_dir):
        cache_dir = None
    _bind()
    _jax.devices()  # start the backend now, not inside the first call's deadline
    if config.get("role") == "runner":
        # JAX 0.4.x registers LAPACK's kernels when it first lowers a linear-algebra operation: a
        # runner that never did would run a program calling them (Flax's orthogonal init: QR) into
        # a crash (SIGSEGV). One small QR registers them, on every version.
        _jax.block_until_ready(_jax.numpy.linalg.qr(_jax.numpy.eye(2)))
    _limit_resources(config, user_tasks)
    if layers["seccomp"] == "pending":  # after the limits are set (it refuses raising them); every thread
        try:
            confinement.filter_syscalls(own_pid=os.getpid(), allow_processes=config["sandbox"]["processes"])
            layers["seccomp"] = True
        except Exception as exc:  # noqa: BLE001  (reported, and --require-sandbox refuses the run)
            layers["seccomp"] = f"the filter could not be loaded: {exc}"
    guard = Guard()
    _install_audit_hook(guard, config["trusted"], config["harness_dirs"], os.getcwd(), cache_dir)
    send = replies.send_bytes
    send(wire.encode(start_nonce, wire.Ready(os.getpid(), layers)))
    runner = config.get("role") == "runner"
    modules: dict = {}

    def verdict_after():
        """A reply that overrides the call's: answer-key attempts and tampering."""
        if guard.attempts:
            return wire.AnswerKey("; ".join(dict.fromkeys(guard.attempts))[:MAX_TEXT])
        changed = guard.changes()
        if changed:
            return wire.Tampered(", ".join(changed)[:MAX_TEXT])
        return None

    while True:
        try:
            nonce, request = wire.decode_request(requests.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            if runner and isinstance(request, wire.Run):
                values = [decode_arg(v) for v in request.values]
                reply = wire.Ok(*run_program(request.program, request.function, request.kind, request.wrt, values))
            elif runner and isinstance(request, wire.InspectProgram):
                _, text, _ = runnable(request.program, request.function)
                values = [decode_arg(v) for v in request.values]
                value, _ = run_program(request.program, request.function, "jit", (), values)
                reply = wire.Ok(("hlo", *program_stats(text), value), ())
            elif runner:
                reply = wire.Fail(f"the runner runs programs only, not {type(request).__name__}", "")
            elif isinstance(request, wire.Load):
                modules[request.spec] = load(request.spec, request.label)
                reply = wire.Ok(None, ())
            elif isinstance(request, wire.Stats):
                reply = wire.Ok(tally.take() if tally is not None else None, ())
            elif isinstance(request, wire.Inspect):
                reply = wire.Ok(inspect_module(modules[request.spec], request.catalog), ())
            elif isinstance(request, (wire.Call, wire.Export)):
                fn = getattr(modules[request.spec], request.function)
                args = [decode_arg(v) for v in request.values]
                if isinstance(request, wire.Export):
                    program = export_call(fn, request.function, request.static, request.names, args, request.how)
                    reply = wire.Ok(program, ())
                else:
                    how = request.how
                    if how[0] == "vmap":
                        how = ("vmap", [[decode_arg(v) for v in vals] for vals in how[1]], how[2])
                    reply = wire.Ok(*run_call(fn, request.function, request.static, request.names, args, how))
            else:
                reply = wire.Fail(f"unknown request {type(request).__name__}", "")
        except LoadError as exc:
            reply = wire.NotImported(str(exc)[:MAX_TEXT])
        except MemoryLimit as exc:
            reply = wire.OutOfMemory(exc.summary[:MAX_TEXT])
        except CallError as exc:
            reply = wire.Fail(exc.summary[:MAX_TEXT], exc.detail[:MAX_TEXT])
        except BaseException as exc:  # noqa: BLE001  (the harness's own code failed: say so)
            reply = wire.Fail(f"the isolated process failed: {type(exc).__name__}: {_first_line(exc)}", "")
        reply = verdict_after() or reply
        try:
            data = wire.encode(nonce, reply)
        except Exception as exc:  # noqa: BLE001
            data = wire.encode(nonce, wire.Fail(f"the result could not be sent back: {exc}", ""))
        send(data)


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
