"""One described call of code under test: how it is made, and what it can end in.

A property describes a call (which function, which inputs, under which transformation: `How`)
as plain data, and gets back an `Outcome` (or `JaxprStats`), an `ImplFailure` that says in
words why there is no result (the property fails), or a `SubmissionError`: the submission
cannot be judged at all (verdict `error`). The seam (scanprops/seam.py) asks, the isolation
layer (scanprops/isolation.py) runs the call in a sandboxed child; both name these types from
here, so neither imports the other for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


# --- what can go wrong -------------------------------------------------------------------------
class ImplFailure(Exception):
    """The code under test did not produce a result: it raised, exited, or returned junk."""

    def __init__(self, summary: str, detail: str = ""):
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


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


class SandboxMissing(SubmissionError):
    """A layer the run requires (--require-sandbox) could not be applied on this machine."""
