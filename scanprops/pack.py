"""The public API for a catalog row: what a course's own exercise (a problem pack) is made of.

A pack is a Python package whose `__init__.py` defines `ROWS`, a tuple of rows built here, and
is named on the command line (`--catalog PATH_OR_MODULE`, docs/problem-packs.md) or installed
with an entry point in the group `scanprops.catalogs`. Every property the harness has (oracle,
shape, jit, grad, vmap, devices, structure, termination) then checks the pack's functions as it
checks the built-in ones, with the same sandbox, report, points and platform files.

Everything a row needs, from one module (the names below are stable; `__all__` lists them):

- the row itself: `row(...)` (keyword arguments only), `Out` (an output's shape and dtype),
  `Pitfall` (a known mistake, recognised by a mistaken oracle), `Case` (one input);
- its tolerance model: `Allowance` (n = steps x width roundings of operands of size `scale`, or a
  `running=` error bound computed along the oracle's own path), `growth`, `U32`
  (scanprops/tolerance.py has the reasoning);
- its inputs, from the harness's own building blocks: size axes with long tails and large sizes
  (`Axis`, `STEPS`, `WIDTHS`, `HIDDEN`, `FEATURES`), whole signatures drawn from a short list
  (`Signatures`), values across decades or within a bound (`arrays`, `decades`, `scaled`,
  `float32_arrays`, `unit_floats`, `powers_of_two`, `contraction_bound`), and the explicit
  inputs' helpers (`scalar32`, `rng`, `memory_rate`);
- `validate(problem)`: what is wrong with a row, said for the person who wrote it (the loader
  runs it on every row of a pack; RowError lists every fault at once).

A row, from an empty folder (the whole example is examples/scan_pack/):

>>> import numpy as np
>>> from hypothesis import strategies as st
>>> from scanprops.pack import STEPS, Allowance, Case, Out, arrays, row, validate
>>> def prefix_max(xp, xs):                          # the oracle: a plain Python loop, float64
...     best, out = -np.inf, []
...     for x in xs:
...         best = max(best, x)
...         out.append(best)
...     return xp.asarray(out)
>>> @st.composite
... def cases(draw, length=None, like=None):          # `like`: the same shapes; `length`: N
...     n = like["xs"].shape[0] if like is not None else draw(STEPS.sizes())
...     return Case.of(xs=draw(arrays((n if length is None else length,))))
>>> ROW = row(name="prefix_max", signature="prefix_max(xs)", oracle=prefix_max, cases=cases,
...           out=lambda case: Out(case["xs"].shape), allowance=lambda case: Allowance(1, 1, 1.0),
...           edge_cases=(Case.of(xs=np.array([1.0, -2.0, 3.0], np.float32)),), loop_length="N")
>>> validate(ROW)                                    # nothing to say: the row is consistent
"""
from __future__ import annotations

import ast
import inspect
import keyword
from typing import Any, Callable

import numpy as np
from hypothesis.strategies import SearchStrategy

from scanprops.cases import KEYWORD, OMITTED, POSITIONAL, Case
from scanprops.problem import Out, Pitfall, Problem, as64
from scanprops.strategies.forms import with_call_forms
from scanprops.strategies.lesson_scan import arrays, contraction_bound, decades, memory_rate, scaled
from scanprops.strategies.pools import (
    FEATURES,
    HIDDEN,
    STEPS,
    STRUCTURE_LENGTHS,
    WIDTHS,
    Axis,
    Signatures,
    float32_arrays,
    powers_of_two,
    rng,
    scalar32,
    unit_floats,
)
from scanprops.tolerance import U32, Allowance, growth

__all__ = [
    # the row
    "row", "validate", "RowError", "Problem", "Out", "Pitfall", "Case", "POSITIONAL", "KEYWORD", "OMITTED",
    # tolerance models
    "Allowance", "growth", "U32",
    # strategy building blocks
    "Axis", "Signatures", "STEPS", "WIDTHS", "HIDDEN", "FEATURES", "arrays", "decades", "scaled",
    "float32_arrays", "unit_floats", "powers_of_two", "contraction_bound", "memory_rate", "scalar32", "rng",
]

DTYPES = ("float32", "int32", "bool")  # what an output may be (float64 never: the `shape` property)


class RowError(ValueError):
    """A row the harness cannot check, with every fault found (one line each)."""

    def __init__(self, name: str, faults: list[str], where: str = ""):
        self.name, self.faults = name, list(faults)
        place = f" (from {where})" if where else ""
        super().__init__(f"catalog row {name!r}{place} is not usable:\n" + "\n".join(f"  - {f}" for f in faults))


def row(*, name: str, signature: str, oracle: Callable[..., Any], cases: Callable[..., Any],
        out: Out | tuple[Out, ...] | Callable[[Case], Any], allowance: Allowance | Callable[[Case], Allowance],
        edge_cases: tuple[Case, ...] = (), large: Callable[..., Case] | None = None,
        static: tuple[str, ...] = (), differentiable: tuple[str, ...] = (), loop_length: str | None = None,
        losses: slice | None = None, pitfalls: tuple[Pitfall, ...] = (), may_not_terminate: bool = False,
        stress: Callable[..., Any] | None = None, stress_examples: tuple[Case, ...] = (),
        count_cap: int | None = None, oracle_leaves: tuple[int, ...] | None = None, notes: str = "",
        seed: str = "pack") -> Problem:
    """One catalog row. Which properties apply follows from what it has (props/registry.py):

    - every row: `oracle`, `shape`, `jit`, `vmap`, `devices`;
    - `differentiable` (argument names): `grad`, against the oracle's float64 gradient;
    - `loop_length` (what `cases(length=...)` sets, e.g. "N"): `structure` (a compiled loop that
      does not grow with the length);
    - `losses` (a slice of the output): `pre_update`; `may_not_terminate`: `termination`.

    Arguments:
    - `name`, `signature`: the function's name and its signature as a learner writes it, with
      the contract's defaults (`"ema(xs, alpha=0.1)"`); an argument with a default is drawn
      positionally, by keyword and omitted (strategies/forms.py).
    - `oracle(xp, *args)`: a plain Python loop; `xp` is NumPy (float64 values) or jax.numpy
      under x64 (for `grad`), so write it with `xp.` and without in-place updates.
    - `cases(length=None, like=None)`: a Hypothesis strategy of `Case`; `like` asks for another
      input of the same shapes (jit's witness, vmap's batch), `length` for a loop of that length.
    - `out`: the exact `Out` (shape, dtype) of the result, or a function of the case giving it
      (a tuple of Out for a tuple result).
    - `allowance`: an `Allowance` (or a function of the case giving one): the rounding the float32
      result may carry, never a tolerance tuned to an implementation.
    - `edge_cases`: inputs every property runs first; `large(salt, length=None)`: one input at
      every axis's large size (each property runs `large(0)`).
    - `static`: ints and callables (jit-static, never vmapped or differentiated).
    - `pitfalls`: known mistakes; a failure whose result matches one's oracle prints its advice.

    >>> import numpy as np
    >>> from hypothesis import strategies as st
    >>> from scanprops.pack import Allowance, Case, Out, unit_floats, row
    >>> def cases(length=None, like=None):               # a scalar x: no shapes to keep alike
    ...     return unit_floats().map(lambda x: Case.of(x=np.float32(x)))
    >>> ROW = row(name="double", signature="double(x)", oracle=lambda xp, x: 2 * x, cases=cases,
    ...           out=Out(()), allowance=Allowance(steps=1, width=1, scale=2.0), differentiable=("x",),
    ...           edge_cases=(Case.of(x=np.float32(0.0)), Case.of(x=np.float32(-1.5))))
    >>> ROW.name, ROW.argnames
    ('double', ('x',))
    """
    shape_rule = out if callable(out) else (lambda case, fixed=out: fixed)
    allowance = allowance if callable(allowance) else (lambda case, fixed=allowance: fixed)
    problem = Problem(name=name, seed=seed, signature=signature, oracle=oracle, cases=cases, out=shape_rule,
                      allowance=allowance, edge_cases=tuple(edge_cases), large=large, static=tuple(static),
                      differentiable=tuple(differentiable), loop_length=loop_length, losses=losses,
                      pitfalls=tuple(pitfalls), may_not_terminate=may_not_terminate, stress=stress,
                      stress_examples=tuple(stress_examples), count_cap=count_cap, oracle_leaves=oracle_leaves,
                      notes=notes)
    try:
        return with_call_forms(problem)
    except Exception:  # noqa: BLE001  (a signature that does not parse: `validate` says what is wrong)
        return problem


# --- validation ---------------------------------------------------------------------------------------
def validate(problem: Any, where: str = "") -> None:
    """Raise RowError listing everything that keeps `problem` from being checked: a signature
    that does not parse or names another function, argument names (static, differentiable) the
    signature lacks, an oracle, a pitfall or a strategy that cannot be called as the properties
    call them, and, on every explicit input (the edge cases and `large(0)`), arguments that are
    not the signature's, an oracle that raises, a result whose shapes are not `out`'s, an allowance
    that is not an Allowance. Nothing here runs code under test.

    >>> import numpy as np
    >>> from scanprops.pack import Allowance, Case, Out, row, unit_floats
    >>> def cases(length=None, like=None):
    ...     return unit_floats().map(lambda x: Case.of(x=np.float32(x)))
    >>> validate(row(name="double", signature="twice(x)", oracle=lambda xp, x: 2 * x, cases=cases,
    ...              out=Out((3,)), allowance=Allowance(1, 1, 2.0), edge_cases=(Case.of(x=np.float32(1.0)),)))
    Traceback (most recent call last):
    scanprops.pack.RowError: catalog row 'double' is not usable:
      - signature 'twice(x)' names the function twice, not double
    """
    name = getattr(problem, "name", repr(problem))
    if not isinstance(problem, Problem):
        raise RowError(str(name), [f"a row is a scanprops.pack.row(...) (a Problem), not {type(problem).__name__}"],
                       where)
    faults: list[str] = []
    if not (isinstance(name, str) and name.isidentifier() and not keyword.iskeyword(name)):
        faults.append(f"name {name!r} is not a Python function name")
    argnames = _signature_faults(problem, faults)
    if argnames is None:
        raise RowError(str(name), faults, where)
    _field_faults(problem, argnames, faults)
    if not faults:
        _example_faults(problem, argnames, faults)
    if faults:
        raise RowError(str(name), faults, where)


def _signature_faults(problem: Problem, faults: list[str]) -> tuple[str, ...] | None:
    text = problem.signature
    try:
        call = ast.parse(text, mode="eval").body
    except (SyntaxError, TypeError, ValueError):
        call = None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and all(isinstance(a, ast.Name) for a in call.args)):
        faults.append(f"signature {text!r} is not written like `{problem.name}(xs, alpha=0.1)`: the name, then "
                      "the arguments, those with a default last")
        return None
    if call.func.id != problem.name:
        faults.append(f"signature {text!r} names the function {call.func.id}, not {problem.name}")
    for kw in call.keywords:
        try:
            ast.literal_eval(kw.value)
        except ValueError:
            faults.append(f"signature {text!r}: the default of {kw.arg} is not a literal (a number, a string)")
            return None
    names = tuple(a.id for a in call.args) + tuple(kw.arg for kw in call.keywords)
    if len(set(names)) != len(names):
        faults.append(f"signature {text!r} names an argument twice")
    return names


def _binds(fn: Any, *args: Any, **kwargs: Any) -> bool:
    try:
        inspect.signature(fn).bind(*args, **kwargs)
        return True
    except TypeError:
        return False
    except ValueError:  # no signature to read (a builtin): assume it fits
        return True


def _field_faults(problem: Problem, argnames: tuple[str, ...], faults: list[str]) -> None:
    call = f"(xp, {', '.join(argnames)})"
    if not callable(problem.oracle):
        faults.append("oracle is not a function: give a plain Python loop taking " + call)
    elif not _binds(problem.oracle, np, *argnames):
        faults.append(f"oracle cannot be called as oracle{call}: it takes the array module first, then the "
                      "signature's arguments in order")
    for field in ("out", "allowance"):
        if not callable(getattr(problem, field)):
            faults.append(f"{field} is neither a value nor a function of the case")
    for field in ("static", "differentiable"):
        unknown = [n for n in getattr(problem, field) if n not in argnames]
        if unknown:
            faults.append(f"{field} names {', '.join(unknown)}, which the signature {problem.signature!r} lacks")
    both = set(problem.static) & set(problem.differentiable)
    if both:
        faults.append(f"{', '.join(sorted(both))} cannot be both static (never traced) and differentiable")
    if problem.losses is not None and not isinstance(problem.losses, slice):
        faults.append("losses is a slice of the output (e.g. slice(1, None)), or None")
    for i, pitfall in enumerate(problem.pitfalls):
        if not isinstance(pitfall, Pitfall):
            faults.append(f"pitfalls[{i}] is not a Pitfall(name, advice, oracle)")
        elif not (pitfall.name and pitfall.advice):
            faults.append(f"pitfalls[{i}] needs a name and advice (what the learner should change)")
        elif not callable(pitfall.oracle) or not _binds(pitfall.oracle, np, *argnames):
            faults.append(f"pitfall {pitfall.name!r}: its oracle cannot be called as oracle{call}")
    if not callable(problem.cases):
        faults.append("cases is not a function returning a Hypothesis strategy")
    elif not _binds(problem.cases, length=None, like=None):
        faults.append("cases must accept the keyword arguments length=None and like=None (jit and vmap ask "
                      "for inputs `like` a drawn one; structure for a `length`)")
    else:
        try:
            strategy = problem.cases()
        except Exception as exc:  # noqa: BLE001
            faults.append(f"cases() raised {type(exc).__name__}: {exc}")
        else:
            if not isinstance(strategy, SearchStrategy):
                faults.append(f"cases() returned {type(strategy).__name__}, not a Hypothesis strategy "
                              "(decorate it with @st.composite)")
    if problem.large is not None and not (callable(problem.large) and _binds(problem.large, 0, length=None)):
        faults.append("large must be a function large(salt, length=None) returning a Case")
    if not problem.edge_cases and problem.large is None:
        faults.append("no explicit input: give edge_cases (they run first in every property, and are where the "
                      "oracle, out and allowance are checked against each other here) or large")
    if problem.loop_length is not None and not isinstance(problem.loop_length, str):
        faults.append("loop_length names what cases(length=...) sets (e.g. 'N'), as a string")


def _example_faults(problem: Problem, argnames: tuple[str, ...], faults: list[str]) -> None:
    from jax.tree_util import tree_leaves

    examples: list[tuple[str, Any]] = [(f"edge_cases[{i}]", c) for i, c in enumerate(problem.edge_cases)]
    if problem.large is not None:
        examples.append(("large(0)", _attempt(faults, "large(0)", problem.large, 0)))
        if problem.loop_length is not None:
            short = STRUCTURE_LENGTHS[0]
            examples.append((f"large(0, length={short})",
                             _attempt(faults, f"large(0, length={short})", problem.large, 0, length=short)))
    for label, case in examples:
        if case is None:
            continue
        if not isinstance(case, Case):
            faults.append(f"{label} is a {type(case).__name__}, not a Case (Case.of(name=value, ...))")
            continue
        if case.names != argnames:
            faults.append(f"{label} has the arguments ({', '.join(case.names)}), the signature "
                          f"({', '.join(argnames)}): the same names, in the same order")
            continue
        for arg in problem.differentiable:
            if not all(np.issubdtype(np.asarray(leaf).dtype, np.floating) for leaf in tree_leaves(case[arg])):
                faults.append(f"{label}: {arg} is differentiable but not a float array")
        with np.errstate(all="ignore"):
            result = _attempt(faults, f"the oracle on {label}", problem.oracle, np, *[as64(v) for v in case.values])
        want = _attempt(faults, f"out({label})", problem.out, case)
        allowed = _attempt(faults, f"allowance({label})", problem.allowance, case)
        if want is not None:
            wanted = list(want) if isinstance(want, tuple) else [want]
            if not all(isinstance(w, Out) for w in wanted):
                faults.append(f"out({label}) is not an Out(shape, dtype) (or a tuple of them)")
                continue
            bad = [w.dtype for w in wanted if w.dtype not in DTYPES]
            if bad:
                faults.append(f"out({label}): dtype {bad[0]} is not one of {', '.join(DTYPES)}")
            if result is not None:
                got = list(result) if isinstance(result, tuple) else [result]
                if len(got) != len(wanted):
                    faults.append(f"the oracle on {label} returns {len(got)} output(s), out says {len(wanted)}")
                else:
                    for i, (g, w) in enumerate(zip(got, wanted)):
                        if problem.oracle_leaves is not None and i not in problem.oracle_leaves:
                            continue
                        if tuple(np.shape(g)) != tuple(w.shape):
                            faults.append(f"the oracle on {label} returns shape {tuple(np.shape(g))}, out says "
                                          f"{tuple(w.shape)}")
        if allowed is not None and not isinstance(allowed, Allowance):
            faults.append(f"allowance({label}) is a {type(allowed).__name__}, not an Allowance")


def _attempt(faults: list[str], what: str, fn: Callable, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001  (a row's own code: say what it raised)
        raised = f" raised {type(exc).__name__}: {exc}"
        kind = what.split(" on ")[0].split("(")[0]
        again = next((i for i, f in enumerate(faults) if f.endswith(raised) and f.startswith(kind)), None)
        if again is None:
            faults.append(what + raised)
        elif " (and on " not in faults[again]:  # the same error on every input: said once
            faults[again] = faults[again].replace(raised, f" (and on other inputs){raised}")
        return None
