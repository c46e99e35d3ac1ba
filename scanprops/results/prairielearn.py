"""PrairieLearn external grader `results.json` (written to /grade/results/results.json).

Specification: https://docs.prairielearn.com/externalGrading/#grading-results
(formerly prairielearn.readthedocs.io; source: github.com/PrairieLearn/PrairieLearn,
docs/externalGrading.md). What it fixes:
- `score` in [0.0, 1.0] is the only required key of a gradable submission (PrairieLearn
  rejects a gradable result whose score is missing, not finite or out of range);
- `gradable: false` marks the submission "invalid, not gradable": no points awarded or lost,
  and no attempt used; `format_errors` (a string or a list) then says why;
- `message`, `output`, and `tests` with `name`, `description`, `points`, `max_points`,
  `message`, `output`, as `<pl-external-grader-results>` renders them: points per test are
  shown only when every test has both `points` and `max_points`; a test with `max_points`
  0 is shown neutrally (our 0-point properties);
- the file should stay under 1 MB (every text here is bounded, see feedback.py).

A module that cannot be verified at all: gradable or not? `gradable: false` is not only for
infrastructure failures: the documentation names "a syntax error, or if the input was
missing, invalid, or formatted incorrectly", and PrairieLearn's own Python grader
(graders/python/python_autograder/pl_result.py) marks SyntaxError and NameError in the
student's code as format errors while any other exception scores 0 as a gradable attempt.
We do the same: a module that does not parse (or names something undefined at import), is
not there, or defines none of the catalog's functions (the wrong file) is not gradable and
costs no attempt; a module that raises anything else, hangs, exits or tampers is the
student's code failing, graded 0. `ungradable_invalid_module=False` grades them all 0.
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

from scanprops.points import Points
from scanprops.props.registry import describe
from scanprops.results import save
from scanprops.results.platform import Bundle
from scanprops.results.scoring import Item, grade

SPEC = "https://prairielearn.readthedocs.io/en/latest/externalGrading/"
RESULTS = "/grade/results/results.json"  # where PrairieLearn reads the result

# How scanprops' import probe (scanprops/plugin.py) words the errors that are not gradable.
_NOT_GRADABLE = re.compile(r"does not import: (?:SyntaxError|IndentationError|TabError|NameError|UnboundLocalError)\b"
                           r"|: no such file|defines none of the catalog's functions")


def description(item: Item) -> str:
    if item.prop is None:
        return f"{item.signature}: checked for {', '.join(item.properties)}"
    what = describe(item.prop)
    return f"{item.function} {what}"


def results(report: dict, points: Points, seconds: float | None = None, *,
            ungradable_invalid_module: bool = True) -> dict:
    g = grade(report, points)
    tests = [{"name": item.name, "description": description(item), "points": item.score,
              "max_points": item.max_score, "message": item.summary, "output": item.details}
             for item in g.items]
    output = g.summary + (f"\n\nChecked in {seconds:.0f} s." if seconds is not None else "")
    out = {"gradable": True, "score": g.fraction, "message": g.summary.split("\n", 1)[0], "output": output,
           "tests": tests}
    if g.error is not None and ungradable_invalid_module and _NOT_GRADABLE.search(str(report.get("error"))):
        out["gradable"] = False
        out["message"] = ("Your module could not be graded as submitted; fix the problem below and "
                          "submit again (this submission does not use up an attempt).")
        out["format_errors"] = [g.error]
    return out


def write(path: str | Path, report: dict, points: Points, seconds: float | None = None, *,
          ungradable_invalid_module: bool = True) -> dict:
    data = results(report, points, seconds, ungradable_invalid_module=ungradable_invalid_module)
    save(path, data)
    return data


def fallback(text: str) -> dict:
    """The result when nothing could be graded: score 0 and the log's last lines."""
    return {"gradable": True, "score": 0, "message": "scanprops could not grade this submission",
            "output": text, "tests": []}


def bundle(parts: Bundle, out: Path) -> Path:
    """The external grader's folder: a Dockerfile whose image grades the files in /grade/student
    (its entrypoint, run.sh, writes /grade/results/results.json), and the snippet of the
    question's info.json that names the image."""
    docker = f"""# The external grader's image: build it, push it to a registry PrairieLearn can pull from.
FROM python:3.11-slim
WORKDIR /scanprops
COPY . /scanprops
# libseccomp for the child's seccomp filter (the bundle requires it: --require-sandbox)
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libseccomp2 && rm -rf /var/lib/apt/lists/*
RUN python -m venv {parts.venv} && {parts.venv}/bin/pip install --no-cache-dir {shlex.quote(parts.harness)} \\
    {' '.join(parts.pins)} && chmod +x /scanprops/run.sh
"""
    run = f"""#!/usr/bin/env bash
# PrairieLearn's entrypoint: grade the files in /grade/student, write {RESULTS}.
set -uo pipefail
cd /scanprops
{parts.grade('/grade/student', '/tmp/scanprops-out')} 2>&1 | tee /tmp/scanprops-grade.log
mkdir -p /grade/results
{parts.deliver('/tmp/scanprops-out', RESULTS)}
"""
    for name, text in (("Dockerfile", docker), ("run.sh", run)):
        (out / name).write_text(text)
        (out / name).chmod(0o755)
    info = {"gradingMethod": "External",
            "externalGradingOptions": {"enabled": True, "image": "YOUR-REGISTRY/scanprops-grader",
                                       "entrypoint": "/scanprops/run.sh",
                                       "timeout": int(parts.time_budget_s + parts.margin_s)}}
    save(out / "info-snippet.json", info)
    return out
