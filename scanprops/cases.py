"""One generated input to a catalog function: its arguments, by name, in call order."""
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


@dataclass(frozen=True)
class Case:
    """Arguments for one call, kept in signature order so a call reads like the learner's code."""

    args: tuple[tuple[str, Any], ...]

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
        return Case(tuple((k, changes.get(k, v)) for k, v in self.args))

    def call_text(self, function: str) -> str:
        return f"{function}(" + ", ".join(f"{k}={describe(v)}" for k, v in self.args) + ")"

    def __repr__(self) -> str:
        return "Case(" + ", ".join(f"{k}={describe(v)}" for k, v in self.args) + ")"
