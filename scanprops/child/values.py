"""Values in and out of the child, its side of scanprops/payloads.py (the judge's).

In: plain data from the judge, as scanprops/payloads.py encodes it: ("value", x) (NumPy arrays,
scalars, Python numbers, dicts of them), ("poly", coefficients), an input's shape without its
values, ("spec", shape, dtype) or ("specs", {name: spec}), and the call kinds.
Out: builtins only: an array is ("a", dtype, shape, raw bytes), a tuple of them ("t", [arrays]),
a params gradient ("d", [(name, array)]). Only exact JAX and NumPy arrays and numbers of a NumPy
numeric dtype are read; anything else the code under test returns is a CallError saying what it
was, never converted.
"""
from __future__ import annotations

from .bound import ORIG
from .failures import CallError


class Poly:
    """c0 + c1*x + ... + cn*x**n (lowest degree first), evaluated with Horner's rule in the array
    module of x: the harness's `strategies.functions.Poly`, rebuilt from its coefficients here
    (that module imports Hypothesis). Frozen and hashable, so jax.jit can take it as static."""

    __slots__ = ("coeffs",)

    def __init__(self, coeffs):
        object.__setattr__(self, "coeffs", tuple(float(c) for c in coeffs))

    def __setattr__(self, name, value):
        raise AttributeError("Poly is immutable")

    def __call__(self, x):
        xp = ORIG["np"] if isinstance(x, (ORIG["ndarray"], ORIG["generic"], float, int)) else ORIG["jnp"]
        acc = xp.full_like(x, self.coeffs[-1])
        for c in reversed(self.coeffs[:-1]):
            acc = acc * x + c
        return acc

    def derivative(self) -> "Poly":
        if len(self.coeffs) == 1:
            return Poly((0.0,))
        return Poly(tuple(float(k * c) for k, c in enumerate(self.coeffs) if k > 0))

    @property
    def degree(self) -> int:
        return len(self.coeffs) - 1

    def __eq__(self, other):
        return type(other) is Poly and other.coeffs == self.coeffs

    def __hash__(self):
        return hash(("Poly", self.coeffs))

    def __repr__(self):
        return f"Poly{self.coeffs}"


def decode_arg(wire):
    """("poly", coeffs) or ("value", x): x is NumPy arrays, scalars, Python numbers, dicts; or an
    input's shape without its values, ("spec", shape, dtype) or ("specs", {name: spec})."""
    kind, payload = wire[0], wire[1]
    if kind == "poly":
        return Poly(payload)
    if kind == "spec":
        return ORIG["shape_dtype"](wire[1], ORIG["dtype"](wire[2]))
    if kind == "specs":
        return {k: decode_arg(v) for k, v in payload.items()}
    return payload


def decode_how(how):
    """A call kind as run_call takes it: a vmap's batch of encoded values decoded."""
    if how[0] == "vmap":
        return ("vmap", [[decode_arg(v) for v in vals] for vals in how[1]], how[2])
    return how


# --- values out: builtins only ----------------------------------------------------------------
_NUMERIC_KINDS = "biufc"


def _leaf(value, what: str):
    """One returned leaf as ("a", dtype, shape, bytes) plus its devices; CallError otherwise."""
    t = type(value)
    devices = ()
    if t is ORIG["array_type"]:
        devices = tuple(sorted(str(d) for d in value.devices()))
        arr = ORIG["np_asarray"](value)
    elif t is ORIG["ndarray"]:
        arr = value
    elif t in (float, int, bool) or (isinstance(value, ORIG["generic"]) and t.__module__ == "numpy"):
        arr = ORIG["np_asarray"](value)
    else:
        raise CallError(f"{what} returned a {_type_name(value)}, not an array.",
                        "Return a jax.numpy array (or the tuple of arrays the catalog asks for); "
                        "objects of other classes are not read, whatever they claim to hold.")
    if type(arr) is not ORIG["ndarray"] or arr.dtype.kind not in _NUMERIC_KINDS or arr.dtype.fields:
        raise CallError(f"{what} returned an array of dtype {arr.dtype}, not numbers.")
    dtype = arr.dtype.str
    if dtype[0] not in "<|" or arr.dtype.type.__module__ != "numpy":  # e.g. bfloat16 (ml_dtypes)
        raise CallError(f"{what} returned an array of dtype {arr.dtype}, which is not a NumPy number type.")
    return ("a", dtype, tuple(int(n) for n in arr.shape), arr.tobytes()), devices


def encode_output(out, what: str):
    """A bare array or a flat tuple of arrays -> wire form and the devices it lives on."""
    if out is None:
        raise CallError(f"{what} returned None.",
                        "A function that builds its result but never `return`s it returns None.")
    if type(out) is tuple:
        if not out:
            raise CallError(f"{what} returned an empty tuple, which holds no array.")
        items, devices = [], set()
        for item in out:
            if type(item) is tuple or type(item) is list or type(item) is dict:
                raise CallError(f"{what} returned a tuple holding a {type(item).__name__}: the catalog's "
                                "results are a bare array or a flat tuple of arrays.")
            wire, devs = _leaf(item, what)
            items.append(wire)
            devices.update(devs)
        return ("t", items), tuple(sorted(devices))
    if type(out) in (list, dict):
        raise CallError(f"{what} returned a {type(out).__name__}, not an array or a tuple of arrays.",
                        "Return a jax.numpy array, or a tuple where the catalog asks for several results.")
    wire, devices = _leaf(out, what)
    return wire, devices


def encode_grads(grads, wrt, what: str):
    """A tuple with one gradient per argument: an array, or a dict of arrays for a params dict."""
    items = []
    for name, g in zip(wrt, grads):
        if type(g) is dict:
            entries = []
            for key, leaf in g.items():
                if type(key) is not str:
                    raise CallError(f"{what}: the gradient for {name} has a key of type {type(key).__name__}.")
                entries.append((key, _leaf(leaf, what)[0]))
            items.append(("d", entries))
        else:
            items.append(_leaf(g, what)[0])
    return ("t", items)


def _type_name(value) -> str:
    t = type(value)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
