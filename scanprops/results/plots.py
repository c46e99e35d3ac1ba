"""The plots of a failing property, from its report entry alone (docs/contract.md, "The report"):
expected against got (flattened), and the per-step error against the allowance where the entry
has a divergence. As inline SVG for the report page (scanprops/results/page.py) and as a PNG data
URL for PrairieLearn's `images` (scanprops/results/prairielearn.py). Drawn only for failures, with
matplotlib's object API (no pyplot state, so threads may draw at once)."""
from __future__ import annotations

import base64
import io

import numpy as np

__all__ = ["svg", "png_data_url"]


def _numbers(values: list) -> np.ndarray:
    def one(v):
        return np.nan if v is None else np.inf if v == "inf" else -np.inf if v == "-inf" else float(v)

    return np.array([one(v) for v in values], dtype=np.float64)


def _figure(entry: dict):
    """The figure, or None when the entry compared no values."""
    from matplotlib.figure import Figure

    values, divergence = entry.get("values"), entry.get("divergence")
    if not values:
        return None
    panels = 2 if divergence else 1
    figure = Figure(figsize=(5.5 * panels, 3.2), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    expected, got = _numbers(values["expected"]), _numbers(values["got"])
    ax = axes[0]
    ax.plot(expected, "-", color="#2060c0", label="expected (oracle)", linewidth=1.5)
    ax.plot(got, "o", color="#d03030", label="got", markersize=3)
    ax.set_xlabel("element (flattened)" if len(values["shape"]) != 1 else "index")
    ax.set_title("expected and got")
    ax.legend(fontsize=8)
    if divergence:
        ax = axes[1]
        errors, allowed = _numbers(divergence["errors"]), _numbers(divergence["allowed"])
        steps = np.arange(len(errors))
        floor = np.nanmin(np.concatenate([allowed[allowed > 0], errors[errors > 0], [1e-12]]))
        ax.semilogy(steps, np.maximum(errors, floor / 10), "o-", color="#d03030", label="error", markersize=3)
        ax.semilogy(steps, np.maximum(allowed, floor / 10), "--", color="#208020", label="allowed")
        ax.axvline(divergence["first"], color="#888", linestyle=":", label=f"first wrong: {divergence['first']}")
        ax.set_xlabel(f"step ({divergence['axis']}[i])")
        ax.set_title("error per step against its allowance")
        ax.legend(fontsize=8)
    return figure


def svg(entry: dict) -> str:
    """Inline SVG of the entry's plots; '' when it compared no values."""
    figure = _figure(entry)
    if figure is None:
        return ""
    out = io.StringIO()
    figure.savefig(out, format="svg")
    text = out.getvalue()
    return text[text.index("<svg"):]


def png_data_url(entry: dict, *, dpi: int = 72) -> str:
    """A `data:image/png;base64,...` URL of the entry's plots; '' when it compared no values."""
    figure = _figure(entry)
    if figure is None:
        return ""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")
