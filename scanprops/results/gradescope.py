"""Gradescope autograder `results.json` (written to /autograder/results/results.json).

Specification: https://gradescope-autograders.readthedocs.io/en/latest/specs/
(source: github.com/gradescope/autograder_samples, docs/specs.md). What it fixes here:
- top level: `score` (overrides the sum of the tests when given), `execution_time` in
  seconds, `output`, `output_format`, `visibility`, `stdout_visibility`, `tests`;
- per test: `name`, `score`, `max_score`, `status` (`passed`/`failed`, overriding the
  score-based default), `output`, `output_format`, `tags`, `visibility`;
- visibility: `visible` (default), `hidden`, `after_due_date`, `after_published`;
- formats: `text`, `html`, `simple_format`, `md`, `ansi`. The top-level output defaults to
  `simple_format`, which renders HTML; our messages hold `<`, `>` and backticks, so every
  output is marked `text`.

One test per graded function, or per property where the plan gives points per property.
`stdout_visibility` is always `hidden`: the autograder's stdout is the harness's terminal
output, with every counterexample, whatever the plan hides.
"""
from __future__ import annotations

from pathlib import Path

from scanprops.points import Points
from scanprops.results import save
from scanprops.results.scoring import grade


def results(report: dict, points: Points, seconds: float | None = None) -> dict:
    g = grade(report, points)
    tests = []
    for item in g.items:
        tags = [item.function] + ([item.prop] if item.prop else [])
        tests.append({
            "name": item.name,
            "score": item.score,
            "max_score": item.max_score,
            "status": "passed" if item.passed else "failed",
            "output": item.details,
            "output_format": "text",
            "visibility": points.visibility,
            "tags": tags,
        })
    out = {"score": g.score}
    if seconds is not None:
        out["execution_time"] = max(int(round(seconds)), 0)
    out.update({
        "output": g.summary,
        "output_format": "text",
        "visibility": points.visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
    })
    return out


def write(path: str | Path, report: dict, points: Points, seconds: float | None = None) -> dict:
    data = results(report, points, seconds)
    save(path, data)
    return data
