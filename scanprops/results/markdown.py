"""A failing test's output in Markdown, for platforms that render it (Gradescope's
`output_format: "md"`): the learner's text (feedback.property_text: the first divergence first,
hidden parts left out) in a code block, then a table of expected against got at the first
elements over their allowance. No links and no images: everything shown is text or numbers the
harness formatted, and the code block's fence is longer than any run of backticks in the text,
so what a submission printed or raised cannot end it and become Markdown of its own."""
from __future__ import annotations

import re

import numpy as np

__all__ = ["code_block", "values_table", "failure"]

TABLE_ROWS = 8


def code_block(text: str) -> str:
    """`text` as a fenced code block no content can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _number(v) -> float:
    return np.nan if v is None else np.inf if v == "inf" else -np.inf if v == "-inf" else float(v)


def values_table(values: dict | None, *, rows: int = TABLE_ROWS) -> str:
    """The first `rows` elements (flattened, C order) whose error exceeds the allowance, or the
    first elements when none does (or no allowance was recorded): index, expected, got, error,
    allowed. '' without values."""
    if not values or not values.get("expected"):
        return ""
    expected = np.array([_number(v) for v in values["expected"]])
    got = np.array([_number(v) for v in values["got"]])
    allowed = np.array([_number(v) for v in values["allowed"]]) if values.get("allowed") else None
    with np.errstate(invalid="ignore"):
        error = np.abs(got - expected)
        over = np.flatnonzero(~(error <= allowed)) if allowed is not None else np.array([], dtype=int)
    picked = over[:rows] if over.size else np.arange(min(rows, expected.size))
    shape = tuple(values.get("shape") or (expected.size,))
    lines = ["| element | expected | got | error | allowed |", "|---|---:|---:|---:|---:|"]
    for i in picked:
        where = np.unravel_index(int(i), shape) if int(np.prod(shape)) == expected.size else (int(i),)
        cells = [f"[{', '.join(str(int(k)) for k in where)}]", f"{expected[i]:.6g}", f"{got[i]:.6g}",
                 f"{error[i]:.3g}", f"{allowed[i]:.3g}" if allowed is not None else ""]
        lines.append("| " + " | ".join(cells) + " |")
    more = (over.size if over.size else expected.size) - len(picked)
    if more > 0:
        lines.append(f"\n{more} more element(s) not shown.")
    return "\n".join(lines)


def failure(title: str, text: str, values: dict | None = None) -> str:
    """One failing test: a bold title, the text in a code block, the values' table."""
    table = values_table(values)
    return "\n\n".join(part for part in (f"**{_plain(title)}**", code_block(text), table) if part)


def _plain(text: str) -> str:
    """A title made of catalog names: Markdown's special characters escaped."""
    return re.sub(r"([\\`*_\[\]{}()#+!<>|~-])", r"\\\1", text)
