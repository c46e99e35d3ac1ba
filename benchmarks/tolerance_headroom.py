"""How close do correct implementations come to the tolerance? Prints, per row and property, the
largest observed |actual - expected| / allowed over many random inputs.

    python -m benchmarks.tolerance_headroom [--examples 100] [--impl impls.reference] [-k NAME]

A ratio near 1 would mean a tolerance that a correct implementation could one day exceed; a
ratio of 1e-2 means a hundredfold margin. (The tolerance itself is never tuned from this: see
scanprops/tolerance.py for how it is derived.)
"""
from __future__ import annotations

import argparse
import importlib
import time

import numpy as np
from hypothesis import settings

from scanprops import devices

devices.force_cpu_devices(4)

import props.families as families  # noqa: E402
from scanprops import profiles  # noqa: E402,F401  (registers the profiles)
from scanprops.catalog import CATALOG  # noqa: E402
from scanprops.seam import Seam  # noqa: E402

WORST: dict[tuple[str, str], float] = {}
CURRENT: list[tuple[str, str]] = []
_within = families.within


def recording_within(actual, expected, atol):
    a, e = np.asarray(actual, np.float64), np.asarray(expected, np.float64)
    if a.shape == e.shape and a.size:
        with np.errstate(all="ignore"):
            ratio = np.abs(a - e) / np.broadcast_to(atol, a.shape)
        finite = ratio[np.isfinite(ratio)]
        if finite.size:
            WORST[CURRENT[-1]] = max(WORST.get(CURRENT[-1], 0.0), float(finite.max()))
    return _within(actual, expected, atol)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--impl", default="impls.reference")
    parser.add_argument("-k", default="", help="only rows whose name contains this")
    args = parser.parse_args()
    settings.register_profile("headroom", parent=settings.get_profile("thorough"), max_examples=args.examples)
    settings.load_profile("headroom")
    families.within = recording_within
    seam = Seam(importlib.import_module(args.impl), args.impl)
    print(f"{'function':<22} {'property':<10} {'worst error / allowed':>22} {'seconds':>8}")
    for problem in CATALOG:
        if args.k not in problem.name or not seam.provides(problem.name):
            continue
        for family in ("oracle", "jit", "grad", "vmap"):
            if family not in problem.families:
                continue
            CURRENT.append((problem.name, family))
            start = time.perf_counter()
            families.FAMILIES[family](problem, seam)
            worst = WORST.get((problem.name, family), 0.0)
            print(f"{problem.name:<22} {family:<10} {worst:>22.3g} {time.perf_counter() - start:>8.1f}")


if __name__ == "__main__":
    main()
