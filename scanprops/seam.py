"""The one narrow seam through which the harness calls code under test.

Properties never call a learner's function themselves: they describe a call (which function,
which inputs, under which transformation) and get NumPy results back, or an `ImplFailure`
that says what went wrong in words. The description is plain data, so `Seam.run` sends every
call to a sandboxed child process (scanprops/isolation.py) that alone imports and runs the code
under test (scanprops/sandbox_child.py); the properties' own process never does.
"""
from __future__ import annotations

import pickle
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
class Single:
    """f on one input, as `vmap` compares with: `jax.jit(f)` (one program per signature, shared
    with the `jit` property's), or f op by op where jit cannot trace it. The `jit` property ties
    jit(f) to f, so vmap(f) = jit(f) = f together say vmap(f) = f."""


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
    """f's compiled program (jax.export of jax.jit(f), judged by the runner; make_jaxpr in the
    harness's own process): its size and loops, and the value it computes on the input."""


How = Plain | Jit | Single | Grad | Vmap | OnDevice | Jaxpr


@dataclass(frozen=True)
class JaxprStats:
    equations: int  # operations, counted through every nested body (loop bodies, cond branches)
    loops: tuple[str, ...]  # loops found anywhere: scan or while (jaxpr), while (StableHLO)
    text_lines: int
    value: Any = None  # what the program computes on the input (the runner's), where it was run


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
def execute(fn: Callable, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
    """Run one described call of `fn` in this process; an Outcome, or JaxprStats for `Jaxpr`.

    Only for the harness's own implementations (its tests and benchmarks): the properties never
    call code under test in their own process, they go through `Seam.run` (a sandboxed child).
    The call runs exactly as in the child (scanprops/sandbox_child.py), and its result is read
    back the same way; any exception the code raises (or SystemExit) becomes an ImplFailure.
    """
    from scanprops import isolation, sandbox_child

    names, encoded = isolation.encode_call(case)
    args = [sandbox_child.decode_arg(v) for v in encoded]
    wire = isolation._encode_how(how)
    if wire[0] == "vmap":
        wire = ("vmap", [[sandbox_child.decode_arg(v) for v in vals] for vals in wire[1]], wire[2])
    try:
        payload, devices = sandbox_child.run_call(fn, function, tuple(static), names, args, wire)
    except sandbox_child.CallError as exc:
        raise ImplFailure(exc.summary, exc.detail) from None
    return isolation._decode_result(how, payload, devices, function)


# --- the seam object the properties hold -----------------------------------------------------
@dataclass
class Seam:
    """Calls into one implementation, in a sandboxed child process (scanprops/isolation.py),
    memoising plain and single calls (several properties reuse them).

    `module` is a dotted name, a .py path or a module object of the harness's own (its tests);
    `provided` (function names) is what the import probe found, when known; otherwise the child
    is asked once.
    """

    module: Any
    label: str
    provided: frozenset[str] | None = None
    signature_problems: dict[str, str] = field(default_factory=dict)
    _memo: dict[bytes, Outcome] = field(default_factory=dict)

    def _inspect(self) -> None:
        from scanprops import isolation
        from scanprops.catalog import CATALOG

        info = isolation.executor().inspect(self.module, {p.name: (p.argnames, p.signature) for p in CATALOG})
        self.provided = frozenset(info["provided"])
        self.signature_problems = info["signature"]

    def provides(self, function: str) -> bool:
        if self.provided is None:
            self._inspect()
        return function in self.provided

    def signature_problem(self, function: str) -> str:
        if self.provided is None:
            self._inspect()
        return self.signature_problems.get(function, "")

    def run(self, problem, case: Case, how: How = Plain()) -> Any:
        from scanprops import isolation

        def call():
            return isolation.execute(self.module, problem.name, problem.static, case, how)

        if isinstance(how, (Plain, Single)):  # pure calls of one input: several properties ask again
            key = pickle.dumps((type(how).__name__, problem.name, case))
            if key not in self._memo:
                self._memo[key] = call()
            return self._memo[key]
        return call()
