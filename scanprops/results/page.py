"""The report page (`scanprops check --html FILE`, `scanprops grade --html`): one self-contained
HTML file per report, from the JSON report alone (docs/contract.md): the summary table, then
each failure with its text, a plot of expected against got and of the per-step error against
the allowance along the loop axis (matplotlib, inline SVG), the reproduction script and what the
submission printed. No network, no script. Plots are drawn only for failures, so a passing
report costs a table.
"""
from __future__ import annotations

import html
from pathlib import Path

from scanprops.cleantext import clean
from scanprops.results.plots import svg as plot

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; background: #fff; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; }
.pass { background: #e6f4e6; } .fail, .error { background: #fbe3e3; } .missing, .skipped { background: #f2f2f2; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.printed { border-left: 4px solid #d9a400; } figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
details summary { cursor: pointer; }
"""


def _pre(text: str, css: str = "") -> str:
    return f'<pre class="{css}">{html.escape(clean(text))}</pre>'


def render(report: dict, *, title: str = "") -> str:
    """The page for one JSON report."""
    name = title or str(report.get("impl", "scanprops report"))
    rows, failures = [], []
    for function, entry in report.get("problems", {}).items():
        props = entry.get("properties", {})
        bad = [f for f, e in props.items() if e.get("verdict") in ("fail", "error")]
        rows.append(f'<tr class="{html.escape(entry["verdict"])}"><td>{html.escape(function)}</td>'
                    f'<td>{html.escape(entry["verdict"])}</td><td>{html.escape(", ".join(bad))}</td></tr>')
        for family in bad:
            failures.append((function, family, props[family]))
    parts = [f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{html.escape(name)}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>scanprops: {html.escape(name)}</h1>",
             f'<p>verdict: <b class="{html.escape(report.get("verdict", ""))}">{html.escape(report.get("verdict", ""))}'
             "</b></p>"]
    if report.get("error"):
        parts.append(_pre(report["error"], "error"))
    parts.append("<table><tr><th>function</th><th>verdict</th><th>failed properties</th></tr>"
                 + "".join(rows) + "</table>")
    for function, family, entry in failures:
        parts.append(f'<h2 id="{html.escape(function)}-{html.escape(family)}">{html.escape(function)}: '
                     f"<code>{html.escape(family)}</code></h2>")
        parts.append(_pre(entry.get("message", "")))
        figure = plot(entry)
        if figure:
            parts.append(f'<figure class="plot">{figure}</figure>')
        if entry.get("printed"):
            parts.append("<p>What the submission printed during the failing call (its own output: shown, "
                         "not judged):</p>" + _pre(entry["printed"], "printed"))
        if entry.get("repro"):
            parts.append(f"<details><summary>reproduction script (repro_{html.escape(function)}_"
                         f"{html.escape(family)}.py: run it with python)</summary>{_pre(entry['repro'])}</details>")
    parts.append("</body></html>")
    return "\n".join(parts)


def index(pages: list[tuple[str, str, str]]) -> str:
    """A class's index: (submission, verdict, page file name) rows linking each page."""
    rows = "".join(f'<tr class="{html.escape(v)}"><td><a href="{html.escape(f)}">{html.escape(n)}</a></td>'
                   f"<td>{html.escape(v)}</td></tr>" for n, v, f in pages)
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>scanprops: grades</title>"
            f"<style>{_STYLE}</style></head><body><h1>scanprops: {len(pages)} submission(s)</h1>"
            f"<table><tr><th>submission</th><th>verdict</th></tr>{rows}</table></body></html>")


def write(path: str | Path, text: str) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
