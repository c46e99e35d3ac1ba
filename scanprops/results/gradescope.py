"""Gradescope autograder `results.json` (written to /autograder/results/results.json).

Specification: https://gradescope-autograders.readthedocs.io/en/latest/specs/
(source: github.com/gradescope/autograder_samples, docs/specs.md). What it fixes here:
- top level: `score` (overrides the sum of the tests when given), `execution_time` in
  seconds, `output`, `output_format`, `visibility`, `stdout_visibility`, `tests`;
- per test: `name`, `score`, `max_score`, `status` (`passed`/`failed`, overriding the
  score-based default), `output`, `output_format`, `tags`, `visibility`;
- visibility: `visible` (default), `hidden`, `after_due_date`, `after_published`;
- formats: `text`, `html`, `simple_format`, `md`, `ansi`. The top-level output defaults to
  `simple_format`, which renders HTML; our messages hold `<`, `>` and backticks, so the summary
  and a passing test are marked `text`, and a failing test is `md` (scanprops/results/markdown.py:
  its text in a code block nothing can close, then a table of expected against got).

One test per graded function, or per property where the plan gives points per property.
`stdout_visibility` is always `hidden`: the autograder's stdout is the harness's terminal
output, with every counterexample, whatever the plan hides.
"""
from __future__ import annotations

import shlex
import zipfile
from pathlib import Path

from scanprops.points import Points
from scanprops.results import markdown, save
from scanprops.results.platform import Bundle
from scanprops.results.scoring import grade

SPEC = "https://gradescope-autograders.readthedocs.io/en/latest/specs/"
RESULTS = "/autograder/results/results.json"  # where Gradescope reads the result


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
            **_output(item, report),
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


def _output(item, report: dict) -> dict:
    """A failing test's output in Markdown, with the first failing property's values as a table;
    any other test's as text."""
    if item.status not in ("fail", "error"):
        return {"output": item.details, "output_format": "text"}
    props = report.get("problems", {}).get(item.function, {}).get("properties", {})
    failing = [props[p] for p in (item.properties or props) if props.get(p, {}).get("verdict") in ("fail", "error")]
    values = failing[0].get("values") if failing else None
    return {"output": markdown.failure(f"{item.name}: {item.summary}", item.details, values), "output_format": "md"}


def fallback(text: str) -> dict:
    """The result when nothing could be graded: score 0 and the log's last lines."""
    return {"score": 0, "output": "scanprops could not grade this submission:\n" + text, "tests": []}


def bundle(parts: Bundle, out: Path) -> Path:
    """The autograder zip: `setup.sh` (run once, as root, when Gradescope builds the image) and
    `run_autograder` (run per submission, in /autograder; the submission is in
    /autograder/submission), at the archive's root."""
    setup = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
# libseccomp for the child's seccomp filter (the bundle requires it: --require-sandbox)
if command -v apt-get >/dev/null; then apt-get update -qq && apt-get install -y -qq libseccomp2 >/dev/null; fi
command -v uv >/dev/null || curl -LsSf https://astral.sh/uv/install.sh | env UV_INSTALL_DIR=/usr/local/bin sh
uv venv --python 3.11 {parts.venv}        # uv fetches Python 3.11 when the image has none
uv pip install --python {parts.venv}/bin/python {shlex.quote(parts.harness)} {' '.join(parts.pins)}
{parts.venv}/bin/scanprops --help >/dev/null
"""
    run = f"""#!/usr/bin/env bash
# Gradescope runs this for every submission (in /autograder/submission).
set -uo pipefail
cd /autograder/source
{parts.grade('/autograder/submission', '/autograder/outputs/scanprops')} 2>&1 | tee /tmp/scanprops-grade.log
mkdir -p /autograder/results
{parts.deliver('/autograder/outputs/scanprops', RESULTS)}
"""
    for name, text in (("setup.sh", setup), ("run_autograder", run)):
        (out / name).write_text(text)
        (out / name).chmod(0o755)
    archive = out.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(p for p in out.rglob("*") if p.is_file()):  # at the archive's root, as Gradescope requires
            info = zipfile.ZipInfo(str(path.relative_to(out)))  # (and the packs shipped, in catalogs/)
            info.external_attr = (0o755 if path.name in ("setup.sh", "run_autograder") else 0o644) << 16
            zipped.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return archive
