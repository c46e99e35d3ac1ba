"""What a grading platform is: one record, listed in scanprops/results/platforms.py.

A record says everything `scanprops grade` and the bundles need of a platform: the name of its
result file (`<name>.json` beside each submission's report), the function that writes it from a
report and a grading plan, the JSON schema its format is checked against (the harness's own
tests), what the file says when no submission could be graded at all, and, for a platform that
runs the harness itself, the hook that writes its autograder folder (`scanprops <name>-bundle`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

__all__ = ["Bundle", "Platform", "SCHEMAS"]

SCHEMAS = Path(__file__).resolve().parent / "schemas"  # <platform>.schema.json, packaged with the harness


@dataclass(frozen=True)
class Bundle:
    """What the harness hands a platform's bundle hook (scanprops/bundles.py builds it): the
    pieces of an autograder folder that are the same on every platform."""

    harness: str  # what pip installs as the harness (a requirement or a wheel in the folder)
    pins: tuple[str, ...]  # jax, jaxlib and flax pinned to what runs here
    venv: str  # where the image's virtual environment lives
    grade: Callable[[str, str], str]  # grade(submissions folder, output folder) -> the shell command
    deliver: Callable[[str, str], str]  # deliver(output folder, target) -> shell lines: the result file
    # (or, when nothing could be graded, the platform's fallback) copied to the target
    time_budget_s: float  # one submission's time budget (--time-budget or the profile's)
    margin_s: float  # what a job needs beyond the budget: starting JAX, winding down


@dataclass(frozen=True)
class Platform:
    """One grading platform.

    >>> Platform(name="exercism", results=exercism.results, spec="https://exercism.org/docs/...",
    ...          fallback=lambda text: {"version": 3, "status": "error", "message": text})
    """

    name: str  # the result file is <name>.json; the bundle command is `scanprops <name>-bundle`
    results: Callable[..., dict]  # results(report, points, seconds) -> the file's data
    spec: str  # where the platform specifies its format
    fallback: Callable[[str], dict]  # the file when nothing was graded, given the log's last lines
    bundle: Callable[[Bundle, Path], Path] | None = None  # writes its autograder folder; returns what to upload

    @property
    def schema(self) -> Path:
        """The JSON schema of the result file (written from `spec`)."""
        return SCHEMAS / f"{self.name}.schema.json"
