"""The harness's own implementations called in the judge's process: its tests, benchmarks and
version records, never the properties (they go through `Seam.run`, a sandboxed child).

`execute` runs a described call exactly as a child does: the child's own call kinds
(scanprops/child/calls.py, one of the child package's modules that hold no sandbox state), fed
the arguments as the child decodes them, its result read back as the judge reads a child's
(scanprops/payloads.py). Any exception the code raises (or SystemExit) becomes an ImplFailure.
"""
from __future__ import annotations

from typing import Any, Callable

from scanprops import payloads
from scanprops.call import How, ImplFailure
from scanprops.cases import Case
from scanprops.child import calls, failures, values


def execute(fn: Callable, function: str, static: tuple[str, ...], case: Case, how: How) -> Any:
    """Run one described call of `fn` in this process; an Outcome, or JaxprStats for `Jaxpr`."""
    names, encoded = payloads.encode_call(case)
    args = [values.decode_arg(v) for v in encoded]
    try:
        payload, devices = calls.run_call(fn, function, tuple(static), names, args,
                                          values.decode_how(payloads.encode_how(how)))
    except failures.CallError as exc:
        raise ImplFailure(exc.summary, exc.detail) from None
    return payloads.decode_result(how, payload, devices, function)
