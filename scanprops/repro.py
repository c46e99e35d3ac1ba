"""A reproduction script per failing property: `repro_<function>_<property>.py`, standalone.

It imports the learner's module by its path, rebuilds the exact counterexample (arrays as the
base64 of their `np.save` bytes, numbers as `float.hex`: bit for bit, not the rounded text of
the message), calls the function the way the property did (plain, `jax.jit`, `jax.grad` of
`vdot(c, f)`, `jax.vmap`, with the inputs committed to a device, lowered at two lengths) and
checks the result against what the property expected, which is embedded (the oracle's float64
values and the allowance, or the plain call's result for `jit` and `vmap`). It prints expected,
got and the first divergence, and exits 1 while the failure is there, 0 once it is gone: run it
after each edit. It needs JAX and NumPy, not the harness.
"""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from scanprops.call import Grad, How, Jaxpr, Jit, OnDevice, Single, Vmap
from scanprops.cases import Case
from scanprops.failure import PropertyFailure
from scanprops.problem import Problem

DEADLINE_S = 20.0  # how long the script waits for a call (the harness's call deadline)


def file_name(function: str, family: str) -> str:
    """repro_<function>_<property>.py"""
    safe = re.compile(r"\W")
    return f"repro_{safe.sub('_', function)}_{safe.sub('_', family)}.py"


def _array(value: Any) -> str:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(value), allow_pickle=False)
    return f"_a({base64.b64encode(buffer.getvalue()).decode()!r})"


def _literal(value: Any) -> str:
    """Python source that rebuilds `value` exactly."""
    coeffs = getattr(value, "coeffs", None)
    if callable(value) and isinstance(coeffs, tuple):  # the catalog's polynomials
        return "_Poly((" + "".join(f"float.fromhex({float(c).hex()!r}), " for c in coeffs) + "))"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (np.ndarray, np.generic)):
        return _array(value)
    if isinstance(value, bool) or isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        return f"float.fromhex({value.hex()!r})"
    return repr(value)


def _call(case: Case) -> str:
    """[(name, value, by keyword), ...] of the arguments the call passes, in call order."""
    return "[" + ", ".join(f"({k!r}, {_literal(v)}, {kw!r})" for k, v, kw in case.sent) + "]"


def _kind(how: How | None, family: str) -> str:
    if isinstance(how, (Jit, Single)):
        return "jit"
    if isinstance(how, Grad):
        return "grad"
    if isinstance(how, Vmap):
        return "vmap"
    if isinstance(how, OnDevice):
        return "device"
    if isinstance(how, Jaxpr):
        return "structure"
    return "plain"


def _picked(problem: Problem, failure: PropertyFailure, kind: str) -> str:
    """Which part of the result the property compared: None (all of it), a leaf index, or the
    per-step part (`pre_update`: the losses)."""
    if failure.family == "pre_update" and problem.losses is not None:
        part = problem.losses
        return f"('part', {part.start!r}, {part.stop!r})"
    if failure.family in ("oracle", "devices", "structure") and problem.oracle_leaves and \
            len(problem.oracle_leaves) == 1 and not failure.detail.get("bitwise"):
        return f"('leaf', {problem.oracle_leaves[0]})"
    return "('leaf', 0)"  # one array, or a tuple's first (jit, vmap and devices compare that one)


def script(failure: PropertyFailure, problem: Problem, module: str) -> str:
    """The script's source for `failure` of `problem`, calling the module at `module` (a .py path
    or a dotted name)."""
    how = failure.how
    kind = _kind(how, failure.family)
    detail = failure.detail
    settings = {
        "kind": kind, "family": failure.family, "static": list(problem.static), "devices": 1,
        "device": None, "wrt": [], "argument": 0, "leaf": 0, "row": 0, "cap": None, "shapes": None,
        "bitwise": bool(detail.get("bitwise")), "deadline": DEADLINE_S,
    }
    calls = [_call(failure.case)] if failure.case is not None else []
    if isinstance(how, OnDevice):
        settings.update(device=how.index, devices=int(detail.get("devices", how.index + 1)))
    if isinstance(how, Grad):
        settings.update(wrt=list(how.wrt), argument=int(detail.get("argument", 0)), leaf=int(detail.get("index", 0)))
    if isinstance(how, Vmap):
        settings.update(row=int(detail.get("row", 0)), mapped=list(how.mapped))
        calls = [_call(c) for c in how.batch]
    if isinstance(how, Jaxpr) and "pair" in detail:
        calls = [_call(c) for c in detail["pair"]]
    if "cap" in detail:
        settings["cap"] = detail["cap"]
    if "shapes" in detail:
        settings["shapes"] = detail["shapes"]
    steps = problem.steps
    values = {
        "expected": _array(failure.expected) if failure.expected is not None else "None",
        "atol": _array(np.broadcast_to(np.asarray(failure.atol, np.float64), np.shape(failure.expected)))
        if failure.atol is not None and failure.expected is not None else "None",
        "cotangent": _array(how.cotangent) if isinstance(how, Grad) else "None",
    }
    header = "\n".join("# " + line for line in failure.text.split("\n"))
    return _TEMPLATE.format(
        header=header, module=repr(str(module)), function=repr(failure.problem), settings=repr(settings),
        calls="[\n    " + ",\n    ".join(calls) + ",\n]" if calls else "[]",
        picked=_picked(problem, failure, kind),
        steps=repr(None if steps is None or failure.family not in ("oracle", "pre_update", "jit", "vmap", "devices",
                                                                     "structure")
                   else (steps.name, (steps.part.start or 0) if failure.family != "pre_update" else 0)),
        **values,
    )


def write(folder: str | Path, function: str, family: str, text: str) -> Path:
    """Write one script into `folder` (created), named by file_name; its path."""
    target = Path(folder) / file_name(function, family)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    target.chmod(0o755)
    return target


# The script. Its helpers are written out (not imported from the harness) so that it runs
# anywhere JAX runs; they mirror the harness's (scanprops/tolerance.py `within`,
# scanprops/child/calls.py's call kinds, strategies/functions.py's Poly).
_TEMPLATE = '''#!/usr/bin/env python3
# The failure this script reproduces, as scanprops reported it:
{header}
"""Reproduces one failure of scanprops outside the harness: python THIS_FILE [--module PATH].
Exit status 1 while the failure is there, 0 once it is gone."""
import argparse
import base64
import importlib
import importlib.util
import io
import os
import sys
import threading
from pathlib import Path

MODULE = {module}
FUNCTION = {function}
SETTINGS = {settings}
if SETTINGS["devices"] > 1 and "--xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
    # the property's CPU devices (set before JAX starts)
    os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                               " --xla_force_host_platform_device_count=%d" % SETTINGS["devices"]).strip()

import numpy as np  # noqa: E402


def _a(text):
    return np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


class _Poly:
    """c0 + c1*x + ... + cn*x**n (Horner), in x's dtype: the harness's polynomials."""

    def __init__(self, coeffs):
        self.coeffs = tuple(coeffs)

    def __call__(self, x):
        import jax.numpy as jnp

        xp = np if isinstance(x, (np.ndarray, np.generic, float, int)) else jnp
        acc = xp.full_like(x, self.coeffs[-1])
        for c in reversed(self.coeffs[:-1]):
            acc = acc * x + c
        return acc

    def __repr__(self):
        return "Poly%r" % (self.coeffs,)


# The failing input (name, value, passed by keyword), bit for bit; vmap: the batch; structure:
# the two lengths.
CALLS = {calls}
EXPECTED = {expected}  # what the property expected (see the header)
ATOL = {atol}  # the allowance, elementwise (None: bit for bit)
COTANGENT = {cotangent}  # grad: d vdot(COTANGENT, f(...)) / d argument
PICKED = {picked}  # the part of the result that was compared
STEPS = {steps}  # (name, where step 0 is) of the output's step axis, or None


def load(spec):
    if spec.endswith(".py") or os.sep in spec:
        path = Path(spec).resolve()
        sys.path.insert(0, str(path.parent))
        found = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(found)
        sys.modules[path.stem] = module
        found.loader.exec_module(module)
        return module
    return importlib.import_module(spec)


def as_called(f, call):
    """(g, args, static positions): g takes every argument positionally and calls f the way the
    property did (the keyword ones by keyword)."""
    import jax.numpy as jnp

    names = [n for n, _, _ in call]
    keywords = [n for n, _, kw in call if kw]
    npos = len(call) - len(keywords)

    def g(*args):
        return f(*args[:npos], **dict(zip(keywords, args[npos:])))

    def jaxed(v):
        if isinstance(v, dict):
            return {{k: jaxed(x) for k, x in v.items()}}
        return jnp.asarray(v) if isinstance(v, np.ndarray) else v

    static = tuple(i for i, n in enumerate(names) if n in SETTINGS["static"])
    return g, [v if i in static else jaxed(v) for i, (_, v, _) in enumerate(call)], static


def describe(x):
    x = np.asarray(x)
    return "%s%s %s" % (x.dtype, list(x.shape), np.array2string(x, precision=6, threshold=12, edgeitems=3,
                                                               separator=", ", max_line_width=10_000))


def pick(result):
    if PICKED[0] == "part":
        return np.asarray(result)[slice(PICKED[1], PICKED[2])]
    if isinstance(result, (tuple, list)):
        return result[PICKED[1]]
    return result


def compare(got, expected, atol):
    """True when got is within atol of expected everywhere (NaN only matches NaN, inf the same
    inf), as the harness compares; prints both and the first step over its allowance."""
    got64, exp64 = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    print("expected:", describe(expected))
    print("got:     ", describe(got))
    if got64.shape != exp64.shape:
        print("the shapes differ: expected %s, got %s" % (exp64.shape, got64.shape))
        return False
    tol = np.zeros(exp64.shape) if atol is None else np.broadcast_to(np.asarray(atol, np.float64), exp64.shape)
    with np.errstate(invalid="ignore"):
        diff = np.abs(got64 - exp64)
    same = (np.isnan(got64) & np.isnan(exp64)) | (np.isinf(got64) & (got64 == exp64))
    diff = np.where(same, 0.0, np.where(np.isnan(diff), np.inf, diff))
    bad = ~(same | (got64 == exp64)) if atol is None else diff > tol
    if not bad.any():
        print("within the allowance everywhere: the failure is gone")
        return True
    where = np.unravel_index(int(np.argmax(np.where(bad, diff, -1))), diff.shape)
    print("error:    max abs %.3g at index %s, allowed there %.3g" % (diff.max(), list(where), tol[where]))
    if STEPS is not None and exp64.ndim:
        name, start = STEPS
        steps = bad[start:].reshape(bad[start:].shape[0], -1).any(axis=1)
        if steps.any():
            first = int(np.argmax(steps))
            row = diff[start + first].max()
            print("diverges: %s[%d] is the first wrong value (error %.3g); %d of %d steps are wrong"
                  % (name, first, row, int(steps.sum()), steps.size))
    return False


def with_deadline(thunk):
    box = {{}}

    def run():
        try:
            box["value"] = thunk()
        except BaseException as exc:  # noqa: BLE001
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(SETTINGS["deadline"])
    if thread.is_alive():
        print("the call did not finish within %g s (it may never end)" % SETTINGS["deadline"])
        print("reproduced: the property still fails")
        sys.stdout.flush()
        os._exit(1)
    if "error" in box:
        raise box["error"]
    return box["value"]


def stablehlo_ops(g, args, static):
    import jax

    text = jax.jit(g, static_argnums=static).lower(*args).as_text()
    ops = [line for line in text.splitlines() if "stablehlo." in line and "stablehlo.constant" not in line]
    return len(ops), "stablehlo.while" in text


def check(f):
    import jax
    import jax.numpy as jnp

    kind = SETTINGS["kind"]
    g, args, static = as_called(f, CALLS[0])
    if kind == "structure":
        counts = [stablehlo_ops(*as_called(f, call)) for call in CALLS]
        for (n, loop), call in zip(counts, CALLS):
            shapes = ", ".join("%s%s" % (name, list(np.shape(v))) for name, v, _ in call if hasattr(v, "shape"))
            print("jax.jit(f) lowered for %s: %d operations, %s" % (shapes, n, "a loop" if loop else "no loop"))
        if not all(loop for _, loop in counts):
            print("the compiled program contains no loop (a Python for unrolls at trace time)")
            return False
        if len({{n for n, _ in counts}}) > 1:
            print("the compiled program grows with the length")
            return False
        return True
    if kind == "plain":
        result = with_deadline(lambda: g(*args))
    elif kind == "jit":
        result = with_deadline(lambda: jax.jit(g, static_argnums=static)(*args))
    elif kind == "device":
        device = jax.devices()[SETTINGS["device"]]
        put = [v if i in static else jax.device_put(v, device) for i, v in enumerate(args)]
        result = with_deadline(lambda: g(*put))
        landed = set()
        for leaf in jax.tree_util.tree_leaves(result):
            landed |= set(getattr(leaf, "devices", lambda: set())())
        if landed and landed != {{device}}:
            print("inputs committed to %s gave a result on %s" % (device, ", ".join(sorted(map(str, landed)))))
            return False
    elif kind == "grad":
        ks = [i for i, (n, _, _) in enumerate(CALLS[0]) if n in SETTINGS["wrt"]]

        def grads(cot, *values):
            def scalar(*vs):
                call = list(values)
                for k, v in zip(ks, vs):
                    call[k] = v
                return jnp.vdot(cot, jnp.asarray(g(*call)))

            return jax.grad(scalar, argnums=tuple(range(len(ks))))(*[values[k] for k in ks])

        program = jax.jit(grads, static_argnums=tuple(p + 1 for p in static))
        out = with_deadline(lambda: program(jnp.asarray(COTANGENT), *args))
        leaves = jax.tree_util.tree_leaves(out[SETTINGS["argument"]])
        return compare(np.asarray(leaves[SETTINGS["leaf"]]), EXPECTED, ATOL)
    elif kind == "vmap":
        batch = [as_called(f, call)[1] for call in CALLS]
        mapped = [i for i, (n, _, _) in enumerate(CALLS[0]) if n in SETTINGS["mapped"]]
        stacked = list(args)
        for i in mapped:
            stacked[i] = jax.tree_util.tree_map(lambda *xs: jnp.stack(xs), *[b[i] for b in batch])

        def batched(*values):
            def one(*mapped_values):
                call = list(values)
                for i, v in zip(mapped, mapped_values):
                    call[i] = v
                return g(*call)

            return jax.vmap(one)(*[values[i] for i in mapped])

        out = with_deadline(lambda: jax.jit(batched, static_argnums=static)(*stacked))
        row = SETTINGS["row"]
        got = tuple(o[row] for o in out) if isinstance(out, (tuple, list)) else out[row]
        return compare(np.asarray(pick(got)), EXPECTED, ATOL)
    else:
        raise SystemExit("unknown call kind %r" % kind)
    if SETTINGS["shapes"] is not None:
        leaves = list(result) if isinstance(result, (tuple, list)) else [result]
        got = [[list(np.shape(x)), str(np.asarray(x).dtype)] for x in leaves]
        print("expected shapes and dtypes:", SETTINGS["shapes"])
        print("got:                       ", got)
        return got == SETTINGS["shapes"]
    if SETTINGS["cap"] is not None:
        leaves = list(result) if isinstance(result, (tuple, list)) else [result]
        counts = [np.asarray(x) for x in leaves if np.issubdtype(np.asarray(x).dtype, np.integer)]
        print("iteration counts:", [c.tolist() for c in counts], "allowed: [0, %d]" % SETTINGS["cap"])
        return all(c.size == 0 or (c.min() >= 0 and c.max() <= SETTINGS["cap"]) for c in counts)
    if EXPECTED is None:
        print("the call returned %s; the harness's failure above was not about its values" % describe(pick(result)))
        return True
    return compare(np.asarray(pick(result)), EXPECTED, ATOL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split(".")[0])
    parser.add_argument("--module", default=MODULE, help="the module to call (default: %(default)s)")
    parser.add_argument("--deadline", type=float, default=SETTINGS["deadline"], help="seconds a call may take")
    given = parser.parse_args()
    SETTINGS["deadline"] = given.deadline
    f = getattr(load(given.module), FUNCTION)
    print("%s: property `%s`, called as %s" % (FUNCTION, SETTINGS["family"], SETTINGS["kind"]))
    try:
        ok = check(f)
    except Exception as exc:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        print("the call raised %s: %s" % (type(exc).__name__, exc))
        ok = False
    print("reproduced: the property still fails" if not ok else "not reproduced: the property holds here")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
'''
