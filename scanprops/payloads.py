"""Values across the pipe, the judge's side: a described call's inputs as the child reads them,
and what comes back rebuilt as NumPy arrays.

Inputs go out as plain data (scanprops/wire.py's frames carry them): ("value", x) for arrays,
numbers and dicts of them, ("poly", coefficients) for the catalog's polynomials, and for an
exported program only the inputs' shapes, ("spec", shape, dtype) or ("specs", {name: spec}). A
call kind goes out as a tuple: ("plain",), ("jit",), ("single",), ("grad", wrt, cotangent),
("vmap", [values per case], mapped), ("device", index), ("jaxpr",). Results come back as builtins
the child built (scanprops/child/values.py): an array is ("a", dtype, shape, raw bytes), a tuple
of them ("t", [arrays]), a params gradient ("d", [(name, array)]); here they are rebuilt, only
from raw bytes of an allowed numeric dtype and only in the structure the call kind allows (a bare
array or a flat tuple of arrays; for grad, one array or dict of arrays per argument).
Anything else is a ProtocolViolation (verdict `error`), or an ImplFailure where the child said
what it is (an array of a dtype that is not a plain number type).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from scanprops import wire
from scanprops.call import (
    Grad,
    How,
    ImplFailure,
    Jaxpr,
    JaxprStats,
    Jit,
    OnDevice,
    Outcome,
    Plain,
    ProtocolViolation,
    Single,
    Vmap,
)
from scanprops.cases import Case


def encode_arg(value: Any) -> tuple:
    coeffs = getattr(value, "coeffs", None)
    if callable(value) and isinstance(coeffs, tuple):  # strategies.functions.Poly
        return ("poly", tuple(float(c) for c in coeffs))
    if callable(value):
        raise TypeError(f"cannot send the callable {value!r} to the isolated process")
    return ("value", value)


def encode_call(case: Case) -> tuple[tuple, list]:
    """The call a case describes, as the child runs it: the names of the arguments it passes, in
    call order (a name, or ("keyword", name) for one passed by keyword; omitted arguments are
    not sent), and their encoded values."""
    sent = case.sent
    return (tuple(("keyword", k) if kw else k for k, _, kw in sent), [encode_arg(v) for _, v, _ in sent])


def encode_spec(value: Any) -> tuple:
    """An input's shape and dtype without its values (what the child exports a program from)."""
    if type(value) is dict:
        return ("specs", {k: encode_spec(v) for k, v in value.items()})
    arr = np.asarray(value)
    return ("spec", tuple(int(n) for n in arr.shape), arr.dtype.str)


def encode_how(how: How) -> tuple:
    if isinstance(how, Plain):
        return ("plain",)
    if isinstance(how, Jit):
        return ("jit",)
    if isinstance(how, Single):
        return ("single",)
    if isinstance(how, Grad):
        return ("grad", tuple(how.wrt), np.asarray(how.cotangent))
    if isinstance(how, Vmap):
        return ("vmap", [encode_call(c)[1] for c in how.batch], tuple(how.mapped))
    if isinstance(how, OnDevice):
        return ("device", int(how.index))
    if isinstance(how, Jaxpr):
        return ("jaxpr",)
    raise TypeError(f"unknown call kind {how!r}")


ALLOWED_DTYPES = {np.dtype(t).str for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64, np.complex64, np.complex128)}


def _array(data: Any, what: str) -> np.ndarray:
    if not (type(data) is tuple and len(data) == 4 and data[0] == "a" and type(data[1]) is str
            and type(data[2]) is tuple and all(type(n) is int and n >= 0 for n in data[2]) and type(data[3]) is bytes):
        raise ProtocolViolation(f"{what}: the isolated process sent back {wire.describe(data)}, not an array")
    _, dtype, shape, raw = data
    if dtype not in ALLOWED_DTYPES:
        raise ImplFailure(f"{what} returned an array of dtype {dtype}, not a plain NumPy number type.")
    dt = np.dtype(dtype)
    if len(raw) != dt.itemsize * int(np.prod(shape, dtype=np.int64)):
        raise ProtocolViolation(f"{what}: the isolated process sent {len(raw)} bytes for a {dtype}{list(shape)} array")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


def _decode_output(data: Any, what: str) -> Any:
    """A bare array or a flat tuple of arrays."""
    if type(data) is tuple and len(data) == 2 and data[0] == "t" and type(data[1]) is list:
        return tuple(_array(item, what) for item in data[1])
    return _array(data, what)


def _decode_grads(data: Any, wrt: tuple[str, ...], what: str) -> tuple:
    if not (type(data) is tuple and len(data) == 2 and data[0] == "t" and type(data[1]) is list
            and len(data[1]) == len(wrt)):
        raise ProtocolViolation(f"{what}: the isolated process sent back {wire.describe(data)}")
    out = []
    for item in data[1]:
        if type(item) is tuple and len(item) == 2 and item[0] == "d" and type(item[1]) is list:
            entries = {}
            for entry in item[1]:
                if not (type(entry) is tuple and len(entry) == 2 and type(entry[0]) is str):
                    raise ProtocolViolation(f"{what}: the isolated process sent back {wire.describe(entry)}")
                entries[entry[0]] = _array(entry[1], what)
            out.append(entries)
        else:
            out.append(_array(item, what))
    return tuple(out)


def decode_result(how: How, payload: Any, devices: Any, function: str) -> Any:
    if isinstance(how, Jaxpr):  # the runner's ("hlo", ..., value); in-process make_jaxpr's ("jaxpr", ...)
        if not (type(payload) is tuple and len(payload) in (4, 5) and payload[0] in ("hlo", "jaxpr")
                and len(payload) == (5 if payload[0] == "hlo" else 4) and type(payload[1]) is int
                and type(payload[2]) is tuple and all(type(s) is str for s in payload[2]) and type(payload[3]) is int):
            raise ProtocolViolation(f"{function}: the isolated process sent back {wire.describe(payload)}")
        value = _decode_output(payload[4], function) if payload[0] == "hlo" else None
        return JaxprStats(payload[1], payload[2], payload[3], value)
    if isinstance(how, Grad):
        return Outcome(_decode_grads(payload, tuple(how.wrt), f"grad of {function}"), devices)
    what = f"vmap of {function}" if isinstance(how, Vmap) else function
    return Outcome(_decode_output(payload, what), devices)
