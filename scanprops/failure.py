"""Failure messages, written for the learner who reads them.

Every message says what was called, what was expected, what came back, by how much they
differ against what is allowed, and, where the result matches a known pitfall, what that
pitfall is and how to fix it.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from scanprops.cases import Case, describe
from scanprops.tolerance import Budget, errors


class PropertyFailure(AssertionError):
    """A property does not hold for the implementation under test."""

    def __init__(self, problem: str, family: str, text: str, case: Case | None = None):
        self.problem = problem
        self.family = family
        self.case = case
        self.counterexample = case.call_text(problem) if case is not None else ""
        self.text = text
        super().__init__(text)

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
    budget: Budget | None,
    factor: float = 1.0,
    expected_label: str = "Python-loop oracle, float64",
    actual_label: str = "",
    hint: str = "",
) -> PropertyFailure:
    abs_err, rel_err, where = errors(actual, expected)
    lines = [
        headline(problem, family, what),
        f"  called:    {case.call_text(problem)}",
        f"  expected:  {describe(np.asarray(expected), limit=8)}   ({expected_label})",
        f"  got:       {describe(np.asarray(actual), limit=8)}" + (f"   ({actual_label})" if actual_label else ""),
        f"  error:     max abs {abs_err:.3g}" + (f" at index {list(where)}" if where else "")
        + f", max rel {rel_err:.3g}",
    ]
    if budget is not None:
        lines.append(f"  allowed:   abs {budget.describe(factor, where)}  (see scanprops/tolerance.py)")
    if hint:
        lines.append(f"  hint:      {hint}")
    return PropertyFailure(problem, family, "\n".join(lines), case)


def plain(problem: str, family: str, case: Case | None, what: str, *details: str) -> PropertyFailure:
    lines = [headline(problem, family, what)]
    if case is not None:
        lines.append(f"  called:    {case.call_text(problem)}")
    lines += [d for d in details if d]
    return PropertyFailure(problem, family, "\n".join(lines), case)
