"""Results files for grading platforms, built from the JSON report (scanprops/report.py) and
a grading plan (scanprops/points.py): one module per platform, each a pure function
`results(report, points, seconds) -> dict` plus `write(path, ...)`.

`grading` turns the report into platform-neutral graded items; `feedback` shapes what a
learner reads. Every text is bounded (see feedback.py), so a flood of output from the code
under test cannot make a results file of megabytes.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def save(path: str | Path, data: dict) -> None:
    """Write JSON as UTF-8 (not \\u escapes, which would triple the size of non-ASCII text),
    atomically, creating the folder (PrairieLearn's /grade/results does not exist yet)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
