"""One generated input to a catalog function: its arguments, by name, in call order, and how
each is passed (positionally, by keyword, or omitted where the contract gives a default)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


def describe(value: Any, limit: int = 6) -> str:
    """A short, exact-enough text for a value a learner will read in a failure message."""
    if isinstance(value, np.ndarray) or hasattr(value, "shape") and hasattr(value, "dtype"):
        arr = np.asarray(value)
        if arr.ndim == 0:
            return f"{arr.dtype}({arr.item()!r})"
        body = np.array2string(
            arr, precision=6, threshold=limit, edgeitems=2, separator=", ", max_line_width=10_000
        ).replace("\n", "")
        return f"{arr.dtype}{list(arr.shape)} {body}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {describe(v, limit)}" for k, v in value.items()) + "}"
    return repr(value)


POSITIONAL, KEYWORD, OMITTED = "positional", "keyword", "omitted"


def literal(value: Any) -> str:
    """A value as a learner writes it in a signature: 0.1, 1e-06, 20."""
    if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
        return str(np.asarray(value)[()])
    return repr(value)


@dataclass(frozen=True)
class Case:
    """Arguments for one call, kept in signature order so a call reads like the learner's code.

    `form` says how each argument is passed, one entry per argument (POSITIONAL, KEYWORD,
    OMITTED), for the rows whose signature has defaults (strategies/forms.py draws it); empty
    means every argument positionally. An omitted argument keeps its value here, the contract's
    default, which is what the oracle uses; the call leaves it out (`sent`).
    """

    args: tuple[tuple[str, Any], ...]
    form: tuple[str, ...] = ()

    def __post_init__(self):
        if self.form:
            assert len(self.form) == len(self.args), "one form per argument"
            rest = self.form[next((i for i, h in enumerate(self.form) if h != POSITIONAL), len(self.form)):]
            assert POSITIONAL not in rest, "an argument passed positionally after one passed by keyword or omitted"

    @classmethod
    def of(cls, **kwargs: Any) -> "Case":
        return cls(tuple(kwargs.items()))

    def __getitem__(self, name: str) -> Any:
        for key, value in self.args:
            if key == name:
                return value
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.args)

    @property
    def values(self) -> tuple[Any, ...]:
        return tuple(v for _, v in self.args)

    def replace(self, **changes: Any) -> "Case":
        return Case(tuple((k, changes.get(k, v)) for k, v in self.args), self.form)

    def how(self, name: str) -> str:
        """How `name` is passed: POSITIONAL, KEYWORD or OMITTED."""
        return self.form[self.names.index(name)] if self.form else POSITIONAL

    def called(self, **hows: str) -> "Case":
        """This input, with the named arguments passed as given (the others positionally)."""
        assert set(hows) <= set(self.names), f"no such arguments: {set(hows) - set(self.names)}"
        return Case(self.args, tuple(hows.get(k, POSITIONAL) for k in self.names))

    @property
    def sent(self) -> tuple[tuple[str, Any, bool], ...]:
        """(name, value, by keyword) of every argument the call passes, in call order."""
        return tuple((k, v, self.how(k) == KEYWORD) for k, v in self.args if self.how(k) != OMITTED)

    def omitted(self) -> tuple[str, ...]:
        return tuple(k for k in self.names if self.how(k) == OMITTED)

    def form_text(self) -> str:
        """How the defaulted arguments were passed, in words ('' for an all-positional call)."""
        words = {KEYWORD: "by keyword", OMITTED: "omitted"}
        parts = [f"{k} {words[self.how(k)]}" for k in self.names if self.how(k) != POSITIONAL]
        return ", ".join(parts)

    def call_text(self, function: str) -> str:
        """The call as it was made. Cases without a form name every argument (they are passed
        positionally, in this order); cases with one read as the Python call itself, and say
        what each omitted argument stands for."""
        if not self.form:
            return f"{function}(" + ", ".join(f"{k}={describe(v)}" for k, v in self.args) + ")"
        parts = [f"{k}={describe(v)}" if kw else describe(v) for k, v, kw in self.sent]
        text = f"{function}(" + ", ".join(parts) + ")"
        left = self.omitted()
        if len(left) == 1:
            text += f"   with {left[0]} omitted: the contract's default is {literal(self[left[0]])}"
        elif left:
            text += (f"   with {', '.join(left)} omitted: the contract's defaults are "
                     + ", ".join(f"{k}={literal(self[k])}" for k in left))
        return text

    def __repr__(self) -> str:
        form = f", form={self.form_text()}" if self.form_text() else ""
        return "Case(" + ", ".join(f"{k}={describe(v)}" for k, v in self.args) + form + ")"
