"""A catalog row's step axis, and where along it a wrong result first leaves the oracle.

A row whose output holds one entry per loop step (the collector's losses, a cumulative sum, an
EMA, an RNN's hidden states) says so with a `StepAxis` (`Problem.steps`, set in its catalog
module): which part of the output's first axis the steps are, how a learner indexes them, and
how to describe what step i computed from. A value failure on such a row then names the first
step whose error exceeds its allowance (`first_divergence`), and the report carries the error
and the allowance of every step as data (the plots of `--html` draw them).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable

import numpy as np

from scanprops.cases import Case


@dataclass(frozen=True)
class StepAxis:
    """Where a row's per-step outputs are, and what each step computed.

    `part`: the entries of the output's first axis that are one per step, in step order
    (the collector's output is [final_w, loss_0, ...]: slice(1, None)). `name`: how a learner
    indexes them (`losses`, `out`, `hs`); `meaning`: what entry {i} is (a format string).
    `inputs(case, i, expected)`: what step i computed from, in words, for the failure message;
    `expected` is the oracle's per-step part (so the previous step's exact value is at hand).
    """

    name: str
    meaning: str
    inputs: Callable[[Case, int, np.ndarray], str] | None = None
    part: slice = field(default_factory=lambda: slice(None))

    def cut(self) -> "StepAxis":
        """The same axis for an output that is already the per-step part (`pre_update`'s losses)."""
        return replace(self, part=slice(None))


@dataclass(frozen=True)
class Divergence:
    """The per-step comparison of one value failure: for every step, the largest error among its
    entries and the allowance at that entry; `first` is the first step over its allowance."""

    name: str
    first: int
    errors: tuple[float, ...]
    allowed: tuple[float, ...]
    text: str  # the message's lines

    def data(self) -> dict:
        """As the JSON report carries it (non-finite errors as null)."""
        def number(x: float) -> float | None:
            return float(x) if np.isfinite(x) else None

        return {"axis": self.name, "first": self.first, "errors": [number(e) for e in self.errors],
                "allowed": [number(a) for a in self.allowed]}


def first_divergence(axis: StepAxis, case: Case, expected: Any, actual: Any, atol: Any) -> Divergence | None:
    """The first step of `axis` where `actual` leaves `expected` by more than `atol` (elementwise,
    broadcast to the output), or None when the arrays do not have the row's step layout or no
    step is over (a mismatch elsewhere, e.g. in the collector's final_w)."""
    exp = np.asarray(expected, dtype=np.float64)
    act = np.asarray(actual, dtype=np.float64)
    if exp.shape != act.shape or exp.ndim == 0:
        return None
    tol = np.broadcast_to(np.asarray(atol, dtype=np.float64), exp.shape)
    exp, act, tol = exp[axis.part], act[axis.part], tol[axis.part]
    if exp.shape[0] == 0:
        return None
    with np.errstate(invalid="ignore"):
        diff = np.abs(act - exp)
    same = (np.isnan(act) & np.isnan(exp)) | (np.isinf(act) & (act == exp))
    diff = np.where(same, 0.0, np.where(np.isnan(diff), np.inf, diff))
    steps = exp.shape[0]
    flat_diff, flat_tol = diff.reshape(steps, -1), tol.reshape(steps, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(flat_tol > 0, flat_diff / flat_tol, np.where(flat_diff > 0, np.inf, 0.0))
    worst = np.argmax(ratio, axis=1) if flat_diff.shape[1] else np.zeros(steps, dtype=int)
    errors = flat_diff[np.arange(steps), worst] if flat_diff.shape[1] else np.zeros(steps)
    allowed = flat_tol[np.arange(steps), worst] if flat_diff.shape[1] else np.zeros(steps)
    over = np.flatnonzero(errors > allowed)
    if over.size == 0:
        return None
    first = int(over[0])
    later = steps - first - 1
    later_wrong = int(over.size - 1)
    lines = [f"  diverges:  {axis.name}[{first}] is the first wrong value, {axis.meaning.format(i=first)} "
             f"(of {axis.name}[0:{steps}]): error {errors[first]:.3g} > allowed {allowed[first]:.3g}"]
    try:
        inputs = axis.inputs(case, first, exp) if axis.inputs is not None else ""
    except Exception:  # noqa: BLE001  (a description that does not apply to this input: none)
        inputs = ""
    if inputs:
        lines.append(f"             its inputs: {inputs}")
    before = f"{axis.name}[0:{first}] within their allowance" if first else "it is the first step"
    after = (f"{later_wrong} of the {later} later steps wrong too, the largest error {errors[first:].max():.3g}"
             if later else "no later step")
    lines.append(f"             {before}; {after}")
    return Divergence(axis.name, first, tuple(float(e) for e in errors), tuple(float(a) for a in allowed),
                      "\n".join(lines))
