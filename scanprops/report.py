"""The JSON report of docs/contract.md (`--scan-report FILE`): one entry per catalog function."""
from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

from scanprops import jsonfile


def versions() -> dict:
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {"python": platform.python_version(), "jax": version("jax"), "jaxlib": version("jaxlib"),
            "flax": version("flax")}


def combined(verdicts, *, otherwise: str) -> str:
    """The verdict of several: `error` over `fail` over `pass`; `otherwise` when none of those is
    among them (every one skipped or missing). The one precedence of the report, the summary,
    the grading table and the platforms' files.

    >>> combined(["pass", "fail", "skipped"], otherwise="skipped")
    'fail'
    """
    found = set(verdicts)
    return next((v for v in ("error", "fail", "pass") if v in found), otherwise)


def problem_verdict(properties: dict, missing: bool) -> str:
    if missing:
        return "missing"
    return combined((p["verdict"] for p in properties.values()), otherwise="skipped")


def build(impl: str, catalog_names: list[str], results: dict, missing: set[str], environment: dict,
          error: str | None = None) -> dict:
    """results: {problem: {family: {"verdict", "message", "counterexample"}}}."""
    problems = {}
    for name in catalog_names:
        props = results.get(name, {})
        problems[name] = {"verdict": problem_verdict(props, name in missing), "properties": props}
    if error is not None:
        verdict = "error"
    else:
        verdict = combined((p["verdict"] for p in problems.values()), otherwise="pass")
    report = {"schema": 1, "impl": impl, "verdict": verdict}
    if error is not None:
        report["error"] = error
    report["environment"] = environment
    report["problems"] = problems
    return report


def write(path: str | Path, report: dict) -> None:
    """Write the report atomically (scanprops/jsonfile.py): a reader never sees half a report."""
    jsonfile.write(path, report)
