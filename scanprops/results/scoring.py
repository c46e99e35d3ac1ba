"""From a JSON report and a grading plan to graded items, the same for every platform.

An item is one test on the platform: a whole function when its points are all or nothing,
or one property of it when the plan gives points per property. Only the functions the plan
grades (worth more than 0) appear, in catalog order.

Fail closed: points come only from a recorded `pass`. A property the run did not check
(skipped, or absent from the report) earns nothing when it carries points of its own, and a
function all or nothing needs at least one passing property and none failing. When the
report says the module could not be verified at all (its top-level `error`), nothing earns
points, whatever the per-function entries say.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from scanprops.points import FunctionPoints, Points
from scanprops.props.registry import BY_NAME as FAMILIES
from scanprops.props.registry import describe
from scanprops.report import combined
from scanprops.results import feedback

ERROR_CAP = 8_000  # the whole-module error: an import traceback fits


@dataclass(frozen=True)
class Item:
    function: str
    prop: str | None  # None: the whole function, all or nothing
    name: str
    status: str  # pass | fail | error | missing | unchecked
    score: float
    max_score: float
    summary: str  # one line
    details: str  # what the learner reads, bounded
    signature: str
    properties: tuple[str, ...]  # the properties this item stands for

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass(frozen=True)
class Grade:
    impl: str
    items: tuple[Item, ...]
    error: str | None  # why the module could not be verified (learner's text), or None
    summary: str  # a few lines for the top of a results page

    @property
    def score(self) -> float:
        return round(math.fsum(i.score for i in self.items), 6)

    @property
    def max_score(self) -> float:
        return round(math.fsum(i.max_score for i in self.items), 6)

    @property
    def fraction(self) -> float:
        """The score in [0, 1]."""
        return min(max(self.score / self.max_score, 0.0), 1.0) if self.max_score > 0 else 0.0


def _check(report) -> None:
    if not isinstance(report, dict) or report.get("schema") != 1 or not isinstance(report.get("problems"), dict):
        raise ValueError("not a scanprops JSON report (schema 1, with `problems`); was it written by --scan-report?")


def _status(props: dict) -> str:
    return combined((str(p.get("verdict")) for p in props.values()), otherwise="unchecked")


def _missing_text(fn: FunctionPoints) -> str:
    return (f"{fn.name} is not defined in your module, so it could not be checked and earns no points.\n"
            f"Define it with the catalog's name and arguments: {fn.signature}")


def _order(fn: FunctionPoints, props: dict) -> list[str]:
    """Catalog order, then anything else the report holds (a property this plan predates)."""
    return [p for p in fn.properties if p in props] + [p for p in props if p not in fn.properties]


def _whole(fn: FunctionPoints, entry: dict, hints: bool) -> Item:
    props = entry.get("properties") or {}
    order = _order(fn, props)
    item = dict(function=fn.name, prop=None, name=fn.name, max_score=fn.points, signature=fn.signature,
                properties=fn.properties)
    if entry.get("verdict") == "missing":
        return Item(status="missing", score=0.0, summary="not defined", details=_missing_text(fn), **item)
    status = _status(props)
    failing = [p for p in order if props[p].get("verdict") in ("fail", "error")]
    passing = [p for p in order if props[p].get("verdict") == "pass"]
    unchecked = [p for p in fn.properties if p not in passing and p not in failing]
    if status == "unchecked":
        return Item(status=status, score=0.0, summary="not checked in this run",
                    details=f"No property of {fn.name} was checked in this run, so it earns no points.", **item)
    lines = []
    if status == "pass":
        summary = f"all {len(passing)} properties checked hold"
        lines.append(f"All {len(passing)} properties checked hold: {', '.join(passing)}.")
    else:
        summary = f"{len(failing)} of {len(order)} properties do not hold: {', '.join(failing)}"
        lines.append(f"Do not hold: {', '.join(failing)}." + (f" Hold: {', '.join(passing)}." if passing else ""))
    if unchecked:
        lines.append(f"Not checked in this run: {', '.join(unchecked)}.")
    texts = [feedback.property_text(props[p], fn.counterexample_visible(p), hints) for p in failing]
    details = "\n\n".join(["\n".join(lines), *texts])
    return Item(status=status, score=fn.points if status == "pass" else 0.0, summary=summary,
                details=details, **item)


def _split(fn: FunctionPoints, entry: dict, hints: bool) -> list[Item]:
    props = entry.get("properties") or {}
    missing = entry.get("verdict") == "missing"
    items = []
    for prop in list(fn.properties) + [p for p in props if p not in fn.properties]:
        worth = fn.per_property.get(prop, 0.0)
        result = props.get(prop) or {}
        verdict = result.get("verdict")
        if missing:
            status, summary, details = "missing", "not defined", _missing_text(fn)
        elif verdict in ("fail", "error"):
            status, summary = verdict, "does not hold"
            details = feedback.property_text(result, fn.counterexample_visible(prop), hints)
        elif verdict == "pass":
            status, summary = "pass", "holds"
            details = f"{fn.name} {describe(prop)}." if prop in FAMILIES else f"The property `{prop}` holds."
        else:
            status, summary = "unchecked", "not checked in this run"
            details = f"The property `{prop}` of {fn.name} was not checked in this run, so it earns no points."
        items.append(Item(function=fn.name, prop=prop, name=f"{fn.name}: {prop}", status=status,
                          score=worth if status == "pass" else 0.0, max_score=worth, summary=summary,
                          details=details, signature=fn.signature, properties=(prop,)))
    return items


def _not_verified(fn: FunctionPoints) -> list[Item]:
    text = "Not checked: your module could not be verified at all (the reason is at the top of these results)."
    parts = [(None, fn.name, fn.points, fn.properties)] if fn.per_property is None else [
        (p, f"{fn.name}: {p}", fn.per_property.get(p, 0.0), (p,)) for p in fn.properties]
    return [Item(function=fn.name, prop=prop, name=name, status="unchecked", score=0.0, max_score=worth,
                 summary="not checked: the module could not be verified", details=text, signature=fn.signature,
                 properties=covers) for prop, name, worth, covers in parts]


def _bounded(items: list[Item]) -> list[Item]:
    """Each text at most feedback.TEST_CAP characters, all together at most TOTAL_CAP."""
    texts = [feedback.cut(i.details, feedback.TEST_CAP) for i in items]
    caps = feedback.fair_caps([len(t) for t in texts], feedback.TOTAL_CAP)
    return [replace(i, details=feedback.cut(t, c)) for i, t, c in zip(items, texts, caps)]


def _summary(items: list[Item], score: float, max_score: float) -> str:
    by_function: dict[str, list[Item]] = {}
    for item in items:
        by_function.setdefault(item.function, []).append(item)
    passing = [f for f, its in by_function.items() if all(i.passed for i in its)]
    lines = [f"{len(passing)} of {len(by_function)} functions pass every check. "
             f"Score: {score:g} of {max_score:g} points."]
    for function, its in by_function.items():
        if function in passing:
            continue
        if its[0].status == "missing":
            lines.append(f"  {function}: not defined")
        elif len(its) == 1 and its[0].prop is None:
            lines.append(f"  {function}: {its[0].summary}")
        else:
            failing = [i.prop for i in its if i.status in ("fail", "error")]
            unchecked = [i.prop for i in its if i.status == "unchecked"]
            parts = ([f"does not hold: {', '.join(failing)}"] if failing else []) + (
                [f"not checked: {', '.join(unchecked)}"] if unchecked else [])
            lines.append(f"  {function}: {'; '.join(parts)}")
    return "\n".join(lines)


def grade(report: dict, points: Points) -> Grade:
    _check(report)
    impl = str(report.get("impl") or "")
    error = report.get("error")
    problems = report["problems"]
    items: list[Item] = []
    for fn in points.graded:
        entry = problems.get(fn.name) if isinstance(problems.get(fn.name), dict) else {}
        if error is not None:
            items += _not_verified(fn)
        elif fn.per_property is None:
            items.append(_whole(fn, entry, points.hints))
        else:
            items += _split(fn, entry, points.hints)
    items = _bounded(items)
    score = round(math.fsum(i.score for i in items), 6)
    max_score = round(math.fsum(i.max_score for i in items), 6)
    if error is not None:
        reason = feedback.cut(feedback.learner_error(str(error), impl), ERROR_CAP)
        summary = f"Your module could not be verified, so no points were awarded.\n\n{reason}"
        return Grade(impl, tuple(items), reason, summary)
    return Grade(impl, tuple(items), None, _summary(items, score, max_score))
