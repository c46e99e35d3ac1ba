"""The call kinds: one described call of the code under test, run in this process (`run_call`:
plain, jit, single, device, grad, vmap and the in-process jaxpr), or the transformation exported
as a program for the runner (`export_call`: jit, grad, vmap). Anything the code raises becomes a
CallError (scanprops/child/failures.py); results leave as builtins (scanprops/child/values.py).

The judge's own process runs its own implementations through `run_call` too
(scanprops/in_process.py): its tests and benchmarks see the very calls a child makes.
"""
from __future__ import annotations

from .bound import ORIG, bind, to_jax
from .failures import CallError, call_error, first_line, learner_frames
from .values import decode_arg, encode_grads, encode_output

LOOP_PRIMITIVES = ("scan", "while")


def jaxpr_stats(closed):
    """("jaxpr", operations through every nested body, the loops found, text lines) of a
    ClosedJaxpr: the in-process `jaxpr` call kind's result."""
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
    return _program(("jit", id(fn), static_pos), fn, lambda: ORIG["jit"](fn, static_argnums=static_pos))


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
            return ORIG["vdot"](cot, ORIG["jnp_asarray"](fn(*call)))

        return ORIG["grad"](scalar, argnums=tuple(range(len(ks))))(*[args[k] for k in ks])

    return ORIG["jit"](grads, static_argnums=tuple(p + 1 for p in static_pos)) if jitted else grads


def _vmap_program(fn, static_pos, mapped, jitted=True):
    """(*args, the mapped ones stacked) -> vmap of fn over the mapped arguments' leading axis."""

    def batched(*args):
        def one(*mapped_values):
            call = list(args)
            for i, v in zip(mapped, mapped_values):
                call[i] = v
            return fn(*call)

        return ORIG["vmap"](one)(*[args[i] for i in mapped])

    return ORIG["jit"](batched, static_argnums=static_pos) if jitted else batched


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
    bind()
    fn, names = _as_called(fn, names)
    static_pos = tuple(i for i, n in enumerate(names) if n in static)

    def positional(vals):
        return [vals[i] if i in static_pos else to_jax(vals[i]) for i in range(len(names))]

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
            device = ORIG["devices"]()[how[1]]
            args = [v if i in static_pos else ORIG["device_put"](to_jax(v), device) for i, v in enumerate(values)]
            return encode_output(fn(*args), function)
        if kind == "jaxpr":
            dyn = [i for i in range(len(names)) if i not in static_pos]

            def traced(*dyn_values):
                args = list(values)
                for i, v in zip(dyn, dyn_values):
                    args[i] = v
                return fn(*args)

            return jaxpr_stats(ORIG["make_jaxpr"](traced)(*[to_jax(values[i]) for i in dyn])), ()
        if kind == "grad":
            wrt, cotangent = how[1], how[2]
            ks = tuple(names.index(w) for w in wrt)
            args, cot = positional(values), ORIG["jnp_asarray"](cotangent)
            program = _program(("grad", id(fn), static_pos, ks), fn, lambda: _grad_program(fn, static_pos, ks))
            eager = _grad_program(fn, (), ks, jitted=False)
            grads = _compiled_or_eager(program, (cot, *args), lambda: eager(cot, *args))
            return encode_grads(tuple(grads), wrt, f"grad of {function}"), ()
        if kind == "vmap":
            batch, mapped_names = how[1], how[2]
            mapped = tuple(i for i, n in enumerate(names) if n in mapped_names)
            args = positional(batch[0])
            for i in mapped:
                args[i] = to_jax(ORIG["tree_map"](lambda *xs: ORIG["np_stack"](xs), *[vals[i] for vals in batch]))
            program = _program(("vmap", id(fn), static_pos, mapped), fn, lambda: _vmap_program(fn, static_pos, mapped))
            out = _compiled_or_eager(program, args, lambda: _vmap_program(fn, (), mapped, jitted=False)(*args))
            return encode_output(out, f"vmap of {function}")
    except CallError:
        raise
    except (MemoryError, SystemExit, Exception) as exc:
        raise call_error(exc, function) from None
    raise CallError(f"unknown call kind {kind!r}")


# --- programs instead of claims: jax.export here, run by the runner ------------------------------------
# For `jit`, `grad`, `vmap` and `structure`, the submission's process only traces and lowers the
# transformation with jax.export and sends the serialized StableHLO; the runner, a process that
# never imports a submission (scanprops/child/programs.py), deserializes, checks, compiles and runs
# it. What the submission's process says about those calls is a program, whose values are
# computed elsewhere: a forged one must compute the right values to pass, i.e. be a solution.
_EXPORTS: dict = {}


def _signature_key(args) -> tuple:
    leaves, tree = ORIG["tree_flatten"](args)
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
            args[i] = ORIG["tree_map"](lambda v: ORIG["shape_dtype"]((size, *v.shape), v.dtype), args[i])
        program = _program(("vmap", id(fn), static_pos, mapped), fn, lambda: _vmap_program(fn, static_pos, mapped))
        tag = ("vmap", mapped)
    else:
        raise CallError(f"unknown program kind {kind!r}")
    key = (tag, id(fn), _signature_key(args))
    if key in _EXPORTS:
        return _EXPORTS[key][1]
    what = {"grad": f"jax.grad of {function}", "vmap": f"jax.vmap of {function}"}.get(kind, f"jax.jit({function})")
    try:
        blob = bytes(ORIG["export"](program)(*args).serialize())
    except CallError:
        raise
    except (MemoryError, SystemExit, Exception) as exc:
        raise call_error(
            exc, function, f"{what} cannot be compiled as one program: {type(exc).__name__}: {first_line(exc)}",
            "The jit, grad, vmap and structure properties judge the compiled program (jax.export of the "
            "transformation, run in a separate process). Python control flow on traced values (an `if` or "
            "`while` on an array), a NumPy round trip, or a host callback (jax.pure_callback, io_callback, "
            "jax.debug.print) cannot be compiled into it: use jnp.where, lax.cond or lax.while_loop, and "
            "remove callbacks.\n" + learner_frames(exc)) from None
    _EXPORTS[key] = (fn, blob)
    return blob
