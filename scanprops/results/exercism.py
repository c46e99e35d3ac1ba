"""Exercism test-runner `results.json`, interface version 3.

Specification: https://exercism.org/docs/building/tooling/test-runners/interface
(source: github.com/exercism/docs, building/tooling/test-runners/interface.md). What it fixes:
- top level: `version` 3; `status` `pass` (every test passed), `fail` (at least one test
  failed or errored) or `error` (no test ran: here, the module could not be verified);
  `message` required when `status` is `error`, at most 65535 characters, otherwise null or
  absent (absent here); `tests` required for `pass` and `fail`, in the tests file's order
  (catalog order here);
- per test: `name`, `status` (`pass`/`fail`/`error`: errored = did not return a value),
  `message` required for `fail` and `error`, null or absent otherwise; `test_code`, the code
  the test ran; `task_id`, the number of the instructions' task heading (from 1), only where
  the test belongs to exactly one task; `output`, only what the *student* printed, at most
  500 characters, cut with the text "Output was truncated. Please limit to 500 chars".

Exercism has no points: one test per graded function, passed when every property holds,
whatever the plan's per-property points. The harness's own messages go in `message`; the
report records no student output, so `output` appears only when the caller passes what a
function printed (`outputs`). `seconds` is accepted for a uniform signature; the format has
no place for it.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Mapping

from scanprops.points import Points
from scanprops.results import feedback, save
from scanprops.results.scoring import grade

SPEC = "https://exercism.org/docs/building/tooling/test-runners/interface"
OUTPUT_CAP = 500
TRUNCATED = "Output was truncated. Please limit to 500 chars"
MESSAGE_CAP = 65_535


def cap_output(text: str) -> str:
    """A student's output within Exercism's 500 characters, the truncation text included."""
    text = feedback.clean(text)
    if len(text) <= OUTPUT_CAP:
        return text
    return text[: OUTPUT_CAP - len(TRUNCATED) - 1] + "\n" + TRUNCATED


def tested_code(signature: str, properties: tuple[str, ...]) -> str:
    return ("# property-based: Hypothesis generates the inputs\n"
            f"{signature}\n"
            f"# checked for: {', '.join(properties)}")


def results(report: dict, points: Points, seconds: float | None = None, *,
            task_ids: Mapping[str, int] | None = None, outputs: Mapping[str, str] | None = None) -> dict:
    """task_ids: function -> task number; default, each graded function is its own task,
    numbered from 1 in catalog order. outputs: function -> what the student's code printed."""
    whole = replace(points, functions=tuple(replace(f, per_property=None) for f in points.functions))
    g = grade(report, whole)
    if g.error is not None:
        return {"version": 3, "status": "error", "message": feedback.cut(g.summary, MESSAGE_CAP)}
    if task_ids is None:
        task_ids = {fn.name: k for k, fn in enumerate(whole.graded, start=1)}
    tests = []
    for item in g.items:
        status = "pass" if item.passed else "error" if item.status == "error" else "fail"
        test = {"name": item.name, "status": status}
        if status != "pass":
            test["message"] = item.details
        test["test_code"] = tested_code(item.signature, item.properties)
        task = task_ids.get(item.function)
        if task is not None:
            if isinstance(task, bool) or not isinstance(task, int) or task < 1:
                raise ValueError(f"task_ids[{item.function!r}]: a task number is an integer from 1, got {task!r}")
            test["task_id"] = task
        if outputs and outputs.get(item.function):
            test["output"] = cap_output(outputs[item.function])
        tests.append(test)
    return {"version": 3, "status": "pass" if all(t["status"] == "pass" for t in tests) else "fail",
            "tests": tests}


def write(path: str | Path, report: dict, points: Points, seconds: float | None = None, *,
          task_ids: Mapping[str, int] | None = None, outputs: Mapping[str, str] | None = None) -> dict:
    data = results(report, points, seconds, task_ids=task_ids, outputs=outputs)
    save(path, data)
    return data


def fallback(text: str) -> dict:
    """The result when nothing could be graded: status `error` and the log's last lines."""
    return {"version": 3, "status": "error", "message": "scanprops could not grade this submission:\n" + text}
