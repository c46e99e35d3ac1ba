"""Every grading platform `scanprops grade` writes a result file for, and the bundles it can
build: the one list the command's options, the result files and the bundles are read from.

To add a platform: a module in scanprops/results/ with its `results(report, points, seconds)`
(and, if it runs the harness itself, a `bundle(parts, out)` hook), its format's schema in
scanprops/results/schemas/, and a record here.
"""
from __future__ import annotations

from scanprops.results import exercism, gradescope, prairielearn
from scanprops.results.platform import Platform

__all__ = ["PLATFORMS", "BY_NAME", "bundled"]

PLATFORMS: tuple[Platform, ...] = (
    Platform(name="gradescope", results=gradescope.results, spec=gradescope.SPEC, fallback=gradescope.fallback,
             bundle=gradescope.bundle),
    Platform(name="exercism", results=exercism.results, spec=exercism.SPEC, fallback=exercism.fallback),
    Platform(name="prairielearn", results=prairielearn.results, spec=prairielearn.SPEC,
             fallback=prairielearn.fallback, bundle=prairielearn.bundle),
)

BY_NAME: dict[str, Platform] = {p.name: p for p in PLATFORMS}


def bundled() -> tuple[Platform, ...]:
    """The platforms with a bundle (`scanprops <name>-bundle`)."""
    return tuple(p for p in PLATFORMS if p.bundle is not None)
