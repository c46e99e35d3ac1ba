"""Failure messages, written for the learner who reads them.

Every message says what was called, what was expected, what came back, by how much they
differ against what is allowed, and, where the result matches a known pitfall, what that
pitfall is and how to fix it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from scanprops.call import How
from scanprops.cases import Case, describe
from scanprops.steps import Divergence, StepAxis, first_divergence
from scanprops.tolerance import Allowance, errors


class PropertyFailure(AssertionError):
    """A property does not hold for the implementation under test.

    Besides the message, a failure keeps what a reproduction script and the report page need
    (scanprops/repro.py, scanprops/page.py): `how` the failing call was made (None: a plain
    call), the values compared (`expected`, `actual`, the elementwise allowance `atol`), the
    first divergence along the row's step axis, and `detail` (the gradient's leaf, the vmap
    batch's row, the other case of a pair)."""

    def __init__(self, problem: str, family: str, text: str, case: Case | None = None, *,
                 how: How | None = None, expected: Any = None, actual: Any = None, atol: Any = None,
                 divergence: Divergence | None = None, detail: dict | None = None):
        self.problem = problem
        self.family = family
        self.case = case
        self.counterexample = case.call_text(problem) if case is not None else ""
        self.text = text
        self.how = how
        self.expected = expected
        self.actual = actual
        self.atol = atol
        self.divergence = divergence
        self.detail = dict(detail or {})
        super().__init__(text)

    def noted(self, note: str) -> "PropertyFailure":
        """The same failure with one more line of text."""
        return PropertyFailure(self.problem, self.family, self.text + "\n" + note, self.case, how=self.how,
                               expected=self.expected, actual=self.actual, atol=self.atol,
                               divergence=self.divergence, detail=self.detail)

    def __str__(self) -> str:
        return self.text


def headline(problem: str, family: str, what: str) -> str:
    return f"{problem}: property `{family}` failed: {what}"


def mismatch(
    problem: str,
    family: str,
    case: Case,
    what: str,
    expected: Any,
    actual: Any,
    allowance: Allowance | None,
    factor: float = 1.0,
    expected_label: str = "Python-loop oracle, float64",
    actual_label: str = "",
    hint: str = "",
    *,
    steps: StepAxis | None = None,
    how: How | None = None,
    detail: dict | None = None,
) -> PropertyFailure:
    """A value failure. `steps`: the row's step axis (scanprops/steps.py), when `expected` and
    `actual` are its output (or, cut, the per-step part of it): the message then names the first
    step over its allowance. `how` and `detail`: how the failing call was made (a reproduction
    script repeats it)."""
    abs_err, rel_err, where = errors(actual, expected)
    atol = None if allowance is None else allowance.atol(factor)
    divergence = None
    if steps is not None:
        divergence = first_divergence(steps, case, expected, actual, 0.0 if atol is None else atol)
    lines = [
        headline(problem, family, what),
        f"  called:    {case.call_text(problem)}",
        f"  expected:  {describe(np.asarray(expected), limit=8)}   ({expected_label})",
        f"  got:       {describe(np.asarray(actual), limit=8)}" + (f"   ({actual_label})" if actual_label else ""),
        f"  error:     max abs {abs_err:.3g}" + (f" at index {list(where)}" if where else "")
        + f", max rel {rel_err:.3g}",
    ]
    if allowance is not None:
        lines.append(f"  allowed:   abs {allowance.describe(factor, where)}  (see scanprops/tolerance.py)")
    if divergence is not None:
        lines.append(divergence.text)
    if hint:
        lines.append(f"  hint:      {hint}")
    return PropertyFailure(problem, family, "\n".join(lines), case, how=how, expected=np.asarray(expected),
                           actual=np.asarray(actual), atol=atol, divergence=divergence, detail=detail)


def plain(problem: str, family: str, case: Case | None, what: str, *details: str, how: How | None = None,
          detail: dict | None = None) -> PropertyFailure:
    """A failure without values to compare (an exception, a shape, a loop). `how` and `detail`:
    how the failing call was made (a reproduction script repeats it)."""
    lines = [headline(problem, family, what)]
    if case is not None:
        lines.append(f"  called:    {case.call_text(problem)}")
    lines += [d for d in details if d]
    return PropertyFailure(problem, family, "\n".join(lines), case, how=how, detail=detail)
