"""What a failure carries into the JSON report besides its message: the values compared (for
the report page's plots), the first divergence along the row's step axis, what the
submission printed during the failing calls, and the reproduction script (docs/contract.md,
"The report"). Computed only for failures: a passing run builds none of it."""
from __future__ import annotations

import numpy as np

from scanprops.failure import PropertyFailure

FIELDS = ("values", "divergence", "printed", "repro")  # the report entry's optional fields, in order
VALUES_CAP = 4096  # elements of each compared array the report keeps (a plot needs no more)


def _numbers(array) -> list:
    flat = np.asarray(array, dtype=np.float64).ravel()[:VALUES_CAP]
    return [float(x) if np.isfinite(x) else None if np.isnan(x) else ("inf" if x > 0 else "-inf") for x in flat]


def values(failure: PropertyFailure) -> dict | None:
    """{"shape", "expected", "got", "allowed", "cut"}: the compared arrays, flattened in C order
    (non-finite numbers as null, "inf", "-inf"), at most VALUES_CAP elements each; None when
    the failure compared no values."""
    if failure.expected is None or failure.actual is None:
        return None
    expected, actual = np.asarray(failure.expected), np.asarray(failure.actual)
    if expected.shape != actual.shape or not (np.issubdtype(expected.dtype, np.number)
                                              and np.issubdtype(actual.dtype, np.number)):
        return None
    out = {"shape": list(expected.shape), "expected": _numbers(expected), "got": _numbers(actual),
           "cut": expected.size > VALUES_CAP}
    if failure.atol is not None:
        out["allowed"] = _numbers(np.broadcast_to(np.asarray(failure.atol, np.float64), expected.shape))
    return out


def fields(failure: PropertyFailure, printed: str = "", repro: str = "") -> dict:
    """The report entry's fields beyond verdict, message and counterexample (only those that
    apply: a failure without values has no `values`)."""
    out: dict = {}
    found = values(failure)
    if found is not None:
        out["values"] = found
    if failure.divergence is not None:
        out["divergence"] = failure.divergence.data()
    if printed:
        out["printed"] = printed
    if repro:
        out["repro"] = repro
    return out
