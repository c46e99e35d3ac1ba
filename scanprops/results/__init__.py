"""Results files for grading platforms, built from the JSON report (scanprops/report.py) and
a grading plan (scanprops/points.py): one module per platform, each a pure function
`results(report, points, seconds) -> dict` plus `write(path, ...)`.

`scoring` turns the report into platform-neutral graded items; `feedback` shapes what a
learner reads. Every text is bounded (see feedback.py), so a flood of output from the code
under test cannot make a results file of megabytes.
"""
from __future__ import annotations

from pathlib import Path

from scanprops import jsonfile


def save(path: str | Path, data: dict) -> None:
    """Write JSON as UTF-8 (not \\u escapes, which would triple the size of non-ASCII text),
    atomically, creating the folder (PrairieLearn's /grade/results does not exist yet)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    jsonfile.write(path, data, ensure_ascii=False)
