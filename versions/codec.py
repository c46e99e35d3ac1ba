"""Values as JSON, exact and independent of any library's version; distances in ulps.

Standard library only (numpy is imported lazily, by `encode` alone), so the comparison runs
under any Python, outside the matrix's environments.

An array is `{"dtype": "float32", "shape": [2, 3], ...}` with its elements either as `"hex"`,
a list (`float.hex()` of each float, which is exact for float32 and float64; integers as
they are), for arrays of at most SMALL elements, or as `"b64"`, the base64 of its
little-endian bytes in C order. Other values: `{"int": 3}`, `{"float": "0x1.0c6f7a0b5ed8dp-20"}`
(a Python float), `{"poly": [coefficients as hex]}` (strategies/functions.py `Poly`),
`{"dict": {...}}`; `"scalar": true` marks a NumPy scalar rather than a 0-d array.
"""
from __future__ import annotations

import base64
import math
import struct

SMALL = 64
FORMATS = {"float32": "f", "float64": "d", "int32": "i", "int64": "q", "uint32": "I", "bool": "?",
           "int8": "b", "uint8": "B", "int16": "h", "float16": "e"}
FLOATS = ("float16", "float32", "float64")


# --- encoding (numpy needed) ------------------------------------------------------------------
def encode_array(value) -> dict:
    import numpy as np

    arr = np.asarray(value)
    dtype = arr.dtype.name
    if dtype not in FORMATS:
        raise TypeError(f"cannot store dtype {dtype}")
    out = {"dtype": dtype, "shape": list(arr.shape)}
    if arr.size <= SMALL:
        flat = arr.reshape(-1).tolist()
        out["hex"] = [float(v).hex() if dtype in FLOATS else v for v in flat]
    else:
        out["b64"] = base64.b64encode(arr.astype(arr.dtype.newbyteorder("<")).tobytes(order="C")).decode()
    return out


def encode(value) -> dict:
    """An input or an output: arrays, NumPy scalars, Python numbers, dicts, Polys."""
    import numpy as np

    if isinstance(value, dict):
        return {"dict": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, np.generic):
        return {"array": encode_array(value), "scalar": True}
    if isinstance(value, np.ndarray):
        return {"array": encode_array(value)}
    if isinstance(value, bool) or isinstance(value, int):
        return {"int": int(value)}
    if isinstance(value, float):
        return {"float": value.hex()}
    coeffs = getattr(value, "coeffs", None)
    if coeffs is not None:
        return {"poly": [float(c).hex() for c in coeffs]}
    if hasattr(value, "__array__"):  # a JAX array
        return {"array": encode_array(np.asarray(value))}
    raise TypeError(f"cannot store {type(value).__name__}")


def decode(stored: dict, poly=None):
    """The value back, with NumPy (arrays and scalars); `poly` rebuilds a polynomial from its
    coefficients (default: strategies.functions.Poly)."""
    import numpy as np

    if "dict" in stored:
        return {k: decode(v, poly) for k, v in stored["dict"].items()}
    if "int" in stored:
        return int(stored["int"])
    if "float" in stored:
        return float.fromhex(stored["float"])
    if "poly" in stored:
        if poly is None:
            from scanprops.strategies.functions import Poly as poly
        return poly(tuple(float.fromhex(c) for c in stored["poly"]))
    array = stored["array"]
    arr = np.frombuffer(raw_bytes(array), dtype=np.dtype(array["dtype"]).newbyteorder("<"))
    arr = arr.astype(np.dtype(array["dtype"])).reshape(array["shape"])
    return arr[()] if stored.get("scalar") else arr


# --- decoding without numpy -------------------------------------------------------------------
def size(array: dict) -> int:
    return math.prod(array["shape"])


def raw_bytes(array: dict) -> bytes:
    """The array's little-endian bytes, C order."""
    if "b64" in array:
        return base64.b64decode(array["b64"])
    code = FORMATS[array["dtype"]]
    values = [float.fromhex(v) if array["dtype"] in FLOATS else v for v in array["hex"]]
    return struct.pack(f"<{len(values)}{code}", *values)


def numbers(array: dict) -> list:
    """The elements as Python floats or ints, C order."""
    code = FORMATS[array["dtype"]]
    return list(struct.unpack(f"<{size(array)}{code}", raw_bytes(array)))


def _ordered(bits: int, width: int) -> int:
    """Float bits mapped to integers in the order of the floats they encode (+0 and -0 both 0)."""
    sign = 1 << (width - 1)
    return -(bits & (sign - 1)) if bits & sign else bits


def ulp_distances(a: dict, b: dict) -> list[float]:
    """Elementwise distance in units in the last place (of a's float type): the number of
    representable values between them; 0 for equal values, +0 and -0, and two NaNs; inf when
    exactly one is NaN, or an infinity meets anything but itself. Integers: their difference."""
    if a["dtype"] != b["dtype"] or a["shape"] != b["shape"]:
        raise ValueError(f"{a['dtype']}{a['shape']} vs {b['dtype']}{b['shape']}")
    if a["dtype"] not in FLOATS:
        return [float(abs(x - y)) for x, y in zip(numbers(a), numbers(b))]
    width = {"float16": 16, "float32": 32, "float64": 64}[a["dtype"]]
    code = {16: "H", 32: "I", 64: "Q"}[width]
    n = size(a)
    bits_a = struct.unpack(f"<{n}{code}", raw_bytes(a))
    bits_b = struct.unpack(f"<{n}{code}", raw_bytes(b))
    out = []
    for x, y, ba, bb in zip(numbers(a), numbers(b), bits_a, bits_b):
        if math.isnan(x) or math.isnan(y):
            out.append(0.0 if math.isnan(x) and math.isnan(y) else math.inf)
        elif math.isinf(x) or math.isinf(y):
            out.append(0.0 if x == y else math.inf)
        else:
            out.append(float(abs(_ordered(ba, width) - _ordered(bb, width))))
    return out


def abs_differences(a: dict, b: dict) -> list[float]:
    """Elementwise |a - b| (0 for two NaNs or the same infinity, inf for a NaN against a number)."""
    out = []
    for x, y in zip(numbers(a), numbers(b)):
        if isinstance(x, float) and (math.isnan(x) or math.isnan(y)):
            out.append(0.0 if math.isnan(x) and math.isnan(y) else math.inf)
        elif x == y:
            out.append(0.0)
        else:
            out.append(abs(float(x) - float(y)))
    return out
