"""Call forms: how a call passes the arguments that the contract gives defaults.

`ema(xs, alpha=0.1)` may be called `ema(xs, 0.3)`, `ema(xs, alpha=0.3)` or `ema(xs)`, and a
learner's module must honour all three: a default that differs from the contract's, a missing
default, a parameter that is keyword-only or positional-only each break some caller. So for
every row whose signature has defaults, the form of the call is part of the drawn input
(`Case.form`): the required arguments are passed positionally; each defaulted argument
positionally, by keyword (then every later one by keyword too, or omitted), or omitted, its
value then replaced by the contract's default (which the oracle uses: the value stays in the
case). Drawn forms shrink towards the all-positional call.

Every property meets every form in every run, drawn or not: `explicit` gives the row's explicit
inputs (edge cases, the large input) the forms their strategy module chose, and the catalog's
edge cases include, for each such row, each defaulted argument positionally, by keyword and
omitted, and the all-defaults call; `vmap` and `structure`, which run the large input but no
edge case, also run it by keyword and with its defaults omitted (Problem.call_variants).
tests/test_domains.py checks it.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

from scanprops.cases import KEYWORD, OMITTED, POSITIONAL, Case
from scanprops.problem import Problem, default_like


def is_default(value: Any, default: Any) -> bool:
    """The drawn value is the contract's default (in the value's own dtype: float32(0.1) is 0.1)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return bool(np.asarray(value) == np.asarray(default, dtype=np.asarray(value).dtype))
    return type(value) is type(default) and value == default


def positional(case: Case) -> Case:
    """The same input with every argument passed positionally (its form spelled out)."""
    return case.called()


def like_form(case: Case, like: Case, defaults: dict[str, Any]) -> Case:
    """`case` called as `like` is (a vmap batch shares one form; an omitted argument takes the
    default's value)."""
    if not like.form:
        return case
    omitted = {k: default_like(defaults[k], case[k]) for k in like.omitted()}
    return Case(case.replace(**omitted).args, like.form)


@st.composite
def _form(draw, case: Case, defaults: dict[str, Any]) -> Case:
    names = case.names
    first = min(names.index(k) for k in defaults)
    # how many defaulted arguments are passed positionally; shrinks to all of them
    cut = len(names) - draw(st.integers(0, len(names) - first))
    hows, dropped = {}, {}
    for name in names[cut:]:
        # Omitted as often as passed by keyword, whatever value was drawn: an omitted argument
        # then takes the contract's default (a default the value strategy met only by chance,
        # 1 draw in 30 for ema's alpha, left the form to the luck of the sequence).
        hows[name] = draw(st.sampled_from((KEYWORD, OMITTED)))
        if hows[name] == OMITTED and not is_default(case[name], defaults[name]):
            dropped[name] = default_like(defaults[name], case[name])
    return case.replace(**dropped).called(**hows)


def drawn(cases: Callable[..., Any], defaults: dict[str, Any]) -> Callable[..., Any]:
    """The row's strategy with the call's form drawn on top (`like`'s form when given)."""

    def with_forms(length: int | None = None, like: Case | None = None, **kwargs):
        base = cases(length=length, like=like, **kwargs)
        if like is not None:
            return base.map(lambda c: like_form(c, like, defaults))
        return base.flatmap(lambda c: _form(c, defaults))

    return with_forms


def explicit(case: Case) -> Case:
    """An explicit input keeps the form its strategy module gave it, else is called positionally."""
    return case if case.form else positional(case)


def with_call_forms(problem: Problem) -> Problem:
    """The row, its inputs drawn and listed with call forms (rows without defaults unchanged)."""
    defaults = problem.defaults
    if not defaults:
        return problem
    large = problem.large

    def large_with_form(salt: int, length: int | None = None) -> Case:
        return explicit(large(salt, length))

    stress = problem.stress
    return dataclasses.replace(
        problem,
        cases=drawn(problem.cases, defaults),
        edge_cases=tuple(explicit(c) for c in problem.edge_cases),
        large=large_with_form if large is not None else None,
        stress=(lambda: stress().flatmap(lambda c: _form(c, defaults))) if stress is not None else None,
        stress_examples=tuple(explicit(c) for c in problem.stress_examples),
    )


__all__ = ["POSITIONAL", "KEYWORD", "OMITTED", "drawn", "explicit", "with_call_forms", "positional", "is_default"]
