"""How close do correct implementations come to the tolerance, and how large a real change would
the tolerance let through? Prints, per row and property, over many random inputs (the explicit
large-size input and the long-tailed draws included):

- `worst / allowed`: the largest |actual - expected| / allowed (a ratio near 1 would mean a
  tolerance that a correct implementation could one day exceed; 1e-2 a hundredfold margin);
- `admits (rel)`: the median over inputs of allowed / max|expected|: the relative change of the
  result that would still pass (a bug smaller than this would hide; the median, because an input
  whose result is near 0, lr = 0 say, makes any absolute allowance look large);
- `admits at large`: the same on the row's explicit large-size input alone;
- for `grad`, a second line (`floor`): the same draws judged by the floor of
  scanprops/tolerance.py `grad_allowance` alone, without the reverse pass's magnitudes.

    python -m benchmarks.tolerance_headroom [--examples 100] [--impl impls.reference] [-k NAME]
                                            [--sizes default|thorough] [--families grad,vmap]

The tolerance itself is never tuned from this: see scanprops/tolerance.py for how it is derived.
"""
from __future__ import annotations

import argparse
import importlib
import time

import jax
import numpy as np
from hypothesis import settings

from scanprops import devices

devices.force_cpu_devices(4)

import scanprops.props.families as families  # noqa: E402
from scanprops import expect, profiles  # noqa: E402,F401  (profiles registers the profiles)
from scanprops.catalog import CATALOG  # noqa: E402
from scanprops.props import checking  # noqa: E402
from scanprops.props.registry import families_of  # noqa: E402
from scanprops.seam import Seam  # noqa: E402
from scanprops.tolerance import GRAD_FACTOR  # noqa: E402

WORST: dict[tuple[str, str], float] = {}
ADMITS: dict[tuple[str, str], list[float]] = {}
CURRENT: list[tuple[str, str]] = []
_within = families.within
_grad_allowance = families.grad_allowance
_oracle_grad = expect.grad
# For `grad` the property asks for the reverse pass's magnitudes only where the floor alone
# fails, and for the perturbed runs' spread only where those fail too; here the full rule (all
# three) and the floor alone are both measured on every draw: the full rule's figures in the main
# line, the floor's in a second. The gradient request being judged, and its leaves met so far:
GRADIENT: dict = {}
FLOOR: list = []  # the floor's allowance of the leaf being judged (one at most)


def recording_grad(problem, case, wrt, cot):
    GRADIENT.update(request=(problem, case, wrt, cot), leaf=0)
    return _oracle_grad(problem, case, wrt, cot)


def recording_grad_allowance(value, expected, magnitudes=None, spread=None):
    if magnitudes is not None:  # the property's later looks: the answer is the same as below
        return _grad_allowance(value, expected, magnitudes, spread)
    FLOOR[:] = [_grad_allowance(value, expected).atol(GRAD_FACTOR)]
    k = GRADIENT["leaf"]
    GRADIENT["leaf"] += 1
    mag = jax.tree_util.tree_leaves(expect.grad_magnitudes(*GRADIENT["request"]))[k]
    spread = jax.tree_util.tree_leaves(expect.grad_spread(*GRADIENT["request"]))[k]
    assert mag.shape == np.shape(expected) == spread.shape, "leaves met out of order"
    return _grad_allowance(value, expected, mag, spread)


def recording_within(actual, expected, atol):
    a, e = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    if a.shape == e.shape and a.size:
        with np.errstate(all="ignore"):
            ratio = np.abs(a - e) / np.broadcast_to(atol, a.shape)
        finite = ratio[np.isfinite(ratio)]
        if finite.size:
            WORST[CURRENT[-1]] = max(WORST.get(CURRENT[-1], 0.0), float(finite.max()))
        size = float(np.max(np.abs(e[np.isfinite(e)]), initial=0.0))
        if size > 0:
            admits = float(np.max(np.broadcast_to(atol, a.shape))) / size
            ADMITS.setdefault(CURRENT[-1], []).append(admits)
        if CURRENT[-1][1] == "grad" and FLOOR:
            floor = np.broadcast_to(FLOOR.pop(), a.shape)
            row = (CURRENT[-1][0], "grad (floor)")
            with np.errstate(all="ignore"):
                ratio = np.abs(a - e) / floor
            finite = ratio[np.isfinite(ratio)]
            if finite.size:
                WORST[row] = max(WORST.get(row, 0.0), float(finite.max()))
            if size > 0:
                ADMITS.setdefault(row, []).append(float(np.max(floor)) / size)
    return _within(actual, expected, atol)


def admits_at_large(problem) -> float:
    """allowed / max|expected| on the row's explicit large-size input."""
    if problem.large is None:
        return float("nan")
    from scanprops import expect

    case = problem.large(0)
    expected = checking.leaves(expect.value(problem, case))
    atol = np.asarray(problem.allowance(case).atol())
    size = max(float(np.max(np.abs(np.asarray(e, np.float64)), initial=0.0)) for e in expected)
    return float(np.max(atol)) / size if size else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--impl", default="impls.reference")
    parser.add_argument("-k", default="", help="only rows whose name contains this")
    parser.add_argument("--families", default="oracle,jit,grad,vmap", help="comma-separated properties")
    parser.add_argument("--sizes", choices=("default", "thorough"), default="default",
                        help="the large sizes of which profile (strategies/pools.py)")
    args = parser.parse_args()
    # Fresh random draws (thorough's settings) at the examples asked for; the profile's name
    # decides the large sizes.
    name = "thorough" if args.sizes == "thorough" else "headroom"
    settings.register_profile(name, parent=settings.get_profile("thorough"), max_examples=args.examples)
    settings.load_profile(name)
    families.within = recording_within
    families.grad_allowance = recording_grad_allowance
    expect.grad = recording_grad
    seam = Seam(importlib.import_module(args.impl), args.impl)
    print(f"{'function':<22} {'property':<10} {'worst / allowed':>16} {'admits (rel)':>13} "
          f"{'admits at large':>16} {'seconds':>8}")
    for problem in CATALOG:
        if args.k not in problem.name or not seam.provides(problem.name):
            continue
        for family in args.families.split(","):
            if family not in families_of(problem):
                continue
            CURRENT.append((problem.name, family))
            start = time.perf_counter()
            families.FAMILIES[family](problem, seam)
            worst = WORST.get((problem.name, family), 0.0)
            admits = float(np.median(ADMITS.get((problem.name, family), [float("nan")])))
            large = admits_at_large(problem) if family == "oracle" else float("nan")
            print(f"{problem.name:<22} {family:<10} {worst:>16.3g} {admits:>13.2g} {large:>16.2g} "
                  f"{time.perf_counter() - start:>8.1f}", flush=True)
            if family == "grad":
                row = (problem.name, "grad (floor)")
                print(f"{'':<22} {'  floor':<10} {WORST.get(row, 0.0):>16.3g} "
                      f"{float(np.median(ADMITS.get(row, [float('nan')]))):>13.2g}", flush=True)


if __name__ == "__main__":
    main()
