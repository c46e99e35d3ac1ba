"""The one narrow seam through which the harness calls code under test.

Properties never call a learner's function themselves: they describe a call (which function,
which inputs, under which transformation) and get NumPy results back, or an `ImplFailure`
that says what went wrong in words. Because the description is plain data and `execute` is a
module-level function, the call can be moved into another process without touching a property.
"""
from __future__ import annotations

import pickle
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from scanprops.cases import Case


# --- how to call: plain data ---------------------------------------------------------------
@dataclass(frozen=True)
class Plain:
    """Call the function as the learner wrote it (op by op, no transformation)."""


@dataclass(frozen=True)
class Jit:
    """Call `jax.jit(f)`, with the catalog's static arguments (ints, callables) static."""


@dataclass(frozen=True)
class Grad:
    """`jax.grad` of `vdot(cotangent, f(...))` with respect to the arguments `wrt` (a tuple back)."""

    wrt: tuple[str, ...]
    cotangent: np.ndarray


@dataclass(frozen=True)
class Vmap:
    """`jax.vmap(f)` over a batch of cases that share their static arguments and shapes."""

    batch: tuple[Case, ...]
    mapped: tuple[str, ...]


@dataclass(frozen=True)
class OnDevice:
    """Commit every array input to `jax.devices()[index]` and call f there."""

    index: int


@dataclass(frozen=True)
class Jaxpr:
    """Trace f with `jax.make_jaxpr` and report its size and loop primitives."""


How = Plain | Jit | Grad | Vmap | OnDevice | Jaxpr


@dataclass(frozen=True)
class JaxprStats:
    equations: int  # counted through every sub-jaxpr (loop bodies, cond branches)
    loops: tuple[str, ...]  # loop primitives found anywhere: scan, while
    text_lines: int


@dataclass(frozen=True)
class Outcome:
    value: Any  # NumPy arrays, in the pytree structure the function returned
    devices: tuple[str, ...] = ()  # devices the returned arrays live on


class ImplFailure(Exception):
    """The code under test did not produce a result: it raised, exited, or returned junk."""

    def __init__(self, summary: str, detail: str = ""):
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


# --- executing a call ------------------------------------------------------------------------
LOOP_PRIMITIVES = ("scan", "while")


def _jaxpr_stats(closed) -> JaxprStats:
    def subjaxprs(params):
        for param in params.values():
            for sub in param if isinstance(param, (tuple, list)) else (param,):
                if hasattr(sub, "eqns"):  # a Jaxpr
                    yield sub
                elif hasattr(getattr(sub, "jaxpr", None), "eqns"):  # a ClosedJaxpr
                    yield sub.jaxpr

    def walk(jaxpr, found):
        count = 0
        for eqn in jaxpr.eqns:
            count += 1
            if eqn.primitive.name in LOOP_PRIMITIVES:
                found.append(eqn.primitive.name)
            count += sum(walk(sub, found) for sub in subjaxprs(eqn.params))
        return count

    found: list[str] = []
    n = walk(closed.jaxpr, found)
    return JaxprStats(n, tuple(found), len(str(closed).splitlines()))


def _to_jax(value: Any) -> Any:
    import jax
    import jax.numpy as jnp

    return jax.tree_util.tree_map(
        lambda v: jnp.asarray(v) if isinstance(v, np.ndarray) else v, value
    )


def _to_numpy(out: Any, function: str) -> Outcome:
    import jax

    if out is None:
        raise ImplFailure(
            f"{function} returned None.",
            "A function that builds its result but never `return`s it returns None.",
        )
    leaves, _ = jax.tree_util.tree_flatten(out)
    if not leaves:
        raise ImplFailure(f"{function} returned {out!r}, which holds no array.")
    devices: set[str] = set()
    for leaf in leaves:
        if isinstance(leaf, jax.Array):
            devices.update(str(d) for d in leaf.devices())
        elif not isinstance(leaf, (np.ndarray, np.generic, int, float, bool)):
            raise ImplFailure(
                f"{function} returned a {type(leaf).__name__}, not an array.",
                "Return a jax.numpy array (or the tuple the catalog asks for).",
            )
    try:
        value = jax.tree_util.tree_map(np.asarray, out)
    except Exception as exc:  # e.g. a tracer leaked out of a transformation
        raise ImplFailure(f"{function}'s result could not be read as an array: {exc}") from None
    for leaf in jax.tree_util.tree_leaves(value):
        if leaf.dtype == object:
            raise ImplFailure(f"{function} returned an object array, not numbers.")
    return Outcome(value, tuple(sorted(devices)))


def execute(fn: Callable, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
    """Run one described call of `fn`; return an Outcome, or JaxprStats for `Jaxpr`.

    Any exception the code under test raises (or SystemExit) becomes an ImplFailure.
    """
    import jax
    import jax.numpy as jnp

    names = case.names
    static_pos = tuple(i for i, n in enumerate(names) if n in static)

    def positional(values):
        return [values[i] if i in static_pos else _to_jax(values[i]) for i in range(len(names))]

    try:
        if isinstance(how, Plain):
            return _to_numpy(fn(*positional(case.values)), function)
        if isinstance(how, Jit):
            jitted = _jitted(fn, static_pos)
            return _to_numpy(jitted(*positional(case.values)), function)
        if isinstance(how, OnDevice):
            device = jax.devices()[how.index]
            args = [
                v if i in static_pos else jax.device_put(_to_jax(v), device)
                for i, v in enumerate(case.values)
            ]
            return _to_numpy(fn(*args), function)
        if isinstance(how, Jaxpr):
            values = case.values
            dyn = [i for i in range(len(names)) if i not in static_pos]

            def traced(*dyn_values):
                args = list(values)
                for i, v in zip(dyn, dyn_values):
                    args[i] = v
                return fn(*args)

            closed = jax.make_jaxpr(traced)(*[_to_jax(values[i]) for i in dyn])
            return _jaxpr_stats(closed)
        if isinstance(how, Grad):
            ks = [names.index(w) for w in how.wrt]
            args = positional(case.values)
            cot = jnp.asarray(how.cotangent)

            def scalar(*vs):
                call = list(args)
                for k, v in zip(ks, vs):
                    call[k] = v
                return jnp.vdot(cot, jnp.asarray(fn(*call)))

            grads = jax.grad(scalar, argnums=tuple(range(len(ks))))(*[args[k] for k in ks])
            return _to_numpy(tuple(grads), f"grad of {function}")
        if isinstance(how, Vmap):
            first = how.batch[0]
            mapped = tuple(i for i, n in enumerate(names) if n in how.mapped)
            stacked = [
                _to_jax(jax.tree_util.tree_map(lambda *xs: np.stack(xs), *[c.values[i] for c in how.batch]))
                if i in mapped
                else None
                for i in range(len(names))
            ]

            def one(*mapped_values):
                args = positional(first.values)
                for i, v in zip(mapped, mapped_values):
                    args[i] = v
                return fn(*args)

            out = jax.vmap(one)(*[stacked[i] for i in mapped])
            return _to_numpy(out, f"vmap of {function}")
    except ImplFailure:
        raise
    except SystemExit as exc:
        raise ImplFailure(f"{function} called exit({exc.code!r}).", "Never exit the process from a function.") from None
    except Exception as exc:
        raise ImplFailure(
            f"{function} raised {type(exc).__name__}: {_first_line(exc)}",
            _learner_frames(exc),
        ) from None
    raise TypeError(f"unknown call kind {how!r}")


_JIT_CACHE: dict[tuple[int, tuple[int, ...]], Callable] = {}


def _jitted(fn: Callable, static_pos: tuple[int, ...]) -> Callable:
    """One jitted wrapper per function, so repeated shapes hit JAX's compile cache."""
    import jax

    key = (id(fn), static_pos)
    if key not in _JIT_CACHE:
        _JIT_CACHE[key] = jax.jit(fn, static_argnums=static_pos)
    return _JIT_CACHE[key]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else "(no message)"


def _learner_frames(exc: BaseException) -> str:
    """The traceback lines that point into the learner's file, not into JAX or the harness."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [
        f"  {f.filename}:{f.lineno} in {f.name}: {f.line}"
        for f in frames
        if "site-packages" not in f.filename and "/scanprops/" not in f.filename
    ]
    full = str(exc).strip()
    return "\n".join(mine[-4:] + ([full] if len(full.splitlines()) > 1 else []))[:2000]


# --- the seam object the properties hold -----------------------------------------------------
@dataclass
class Seam:
    """Calls into one implementation module, memoising plain calls (several properties reuse them)."""

    module: Any
    label: str
    _memo: dict[bytes, Outcome] = field(default_factory=dict)

    def provides(self, function: str) -> bool:
        return callable(getattr(self.module, function, None))

    def function(self, function: str) -> Callable:
        return getattr(self.module, function)

    def run(self, problem, case: Case, how: How = Plain()) -> Any:
        def call():
            if problem.may_not_terminate:  # it may hang: a child process runs it, with a deadline
                from scanprops import isolation

                return isolation.execute(self.module, problem.name, problem.static, case, how)
            return execute(self.function(problem.name), problem.name, problem.static, case, how)

        if isinstance(how, Plain):
            key = pickle.dumps((problem.name, case))
            if key not in self._memo:
                self._memo[key] = call()
            return self._memo[key]
        return call()
