"""What a catalog row is: the data a property needs to check one function."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from scanprops.cases import KEYWORD, OMITTED, Case
from scanprops.steps import StepAxis
from scanprops.tolerance import Allowance


@dataclass(frozen=True)
class Out:
    """The exact shape and dtype a function must return (one per returned array)."""

    shape: tuple[int, ...]
    dtype: str = "float32"


@dataclass(frozen=True)
class Pitfall:
    """A known mistake, recognised by what it computes: `oracle` is the mistaken version."""

    name: str
    advice: str
    oracle: Callable[..., Any]  # same signature as the row's oracle: (xp, *args)


@dataclass(frozen=True)
class Problem:
    """One catalog row. Properties read these fields; nothing here calls code under test."""

    name: str
    seed: str  # the seed file the row comes from
    signature: str
    oracle: Callable[..., Any]  # (xp, *args) -> result; a Python loop, run in float64
    cases: Callable[..., Any]  # cases(length=None, like=None) -> strategy of Case
    out: Callable[[Case], Any]  # Out, or a tuple of Out
    allowance: Callable[[Case], Allowance]
    edge_cases: tuple[Case, ...] = ()
    # large(salt, length=None) -> Case: a fixed input at the current profile's large sizes on
    # every axis (the loop length `length` when given); salts give other values, same shapes.
    large: Callable[..., Case] | None = None
    static: tuple[str, ...] = ()  # ints and callables: jit-static, never vmapped or differentiated
    differentiable: tuple[str, ...] = ()
    loop_length: str | None = None  # what `cases(length=...)` sets; enables `structure`
    losses: slice | None = None  # part of the output that holds per-step losses (`pre_update`)
    pitfalls: tuple[Pitfall, ...] = ()
    may_not_terminate: bool = False  # while_loop rows: adds `termination`
    stress: Callable[..., Any] | None = None  # termination: strategy of inputs that may never converge (default: cases)
    stress_examples: tuple[Case, ...] = ()  # termination: such inputs that always run (after edge_cases)
    count_cap: int | None = None  # termination: bound on integer outputs (iteration counts)
    oracle_leaves: tuple[int, ...] | None = None  # outputs the oracle defines (None: all); others in `notes`
    notes: str = ""
    steps: StepAxis | None = None  # the output's one entry per loop step: a failure names the first wrong one

    def examples(self) -> tuple[Case, ...]:
        """The inputs every property runs before Hypothesis draws: the edge cases, then one at
        the large sizes (so a bug that starts past some size is met in every run)."""
        return self.edge_cases + ((self.large(0),) if self.large is not None else ())

    @property
    def mapped(self) -> tuple[str, ...]:
        """Arguments vmap maps over: every one that is not static."""
        return tuple(n for n in self.argnames if n not in self.static)

    @property
    def argnames(self) -> tuple[str, ...]:
        return tuple(self._parameters())

    @property
    def defaults(self) -> dict[str, Any]:
        """The contract's default values, by argument name (ema's {'alpha': 0.1})."""
        return {k: v for k, v in self._parameters().items() if v is not _REQUIRED}

    def call_variants(self, case: Case, keep: tuple[str, ...] = ()) -> tuple[Case, ...]:
        """For a row with defaults: the same input with every defaulted argument passed by
        keyword, and the all-defaults call (every defaulted argument omitted, so its value is
        the contract's default; those in `keep` by keyword instead). () for other rows."""
        defaults = self.defaults
        if not defaults:
            return ()
        keyword = case.called(**{k: KEYWORD for k in defaults})
        dropped = {k: default_like(v, case[k]) for k, v in defaults.items() if k not in keep}
        omitted = case.replace(**dropped).called(**{k: OMITTED if k in dropped else KEYWORD for k in defaults})
        return keyword, omitted

    def _parameters(self) -> dict[str, Any]:
        inside = self.signature[self.signature.index("(") + 1 : self.signature.rindex(")")]
        params = {}
        for part in (a.strip() for a in inside.split(",")):
            if part:
                name, _, default = part.partition("=")
                params[name.strip()] = ast.literal_eval(default.strip()) if default else _REQUIRED
        return params


_REQUIRED = object()  # a parameter without a default


def default_like(default: Any, value: Any) -> Any:
    """The contract's default, in the form a drawn value of that argument has (float32 for a
    float32 argument)."""
    if isinstance(value, (np.ndarray, np.generic)):
        return np.asarray(default, dtype=np.asarray(value).dtype)
    return type(value)(default)


def as64(value: Any) -> Any:
    """Arrays to float64 NumPy for the oracle; ints and callables unchanged."""
    if isinstance(value, dict):
        return {k: as64(v) for k, v in value.items()}
    if isinstance(value, (np.ndarray, np.generic)) and np.issubdtype(np.asarray(value).dtype, np.floating):
        return np.asarray(value, dtype=np.float64)
    return value
