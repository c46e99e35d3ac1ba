"""The report page (`scanprops check --html`, `scanprops grade --html`): one self-contained HTML
file with the summary, each failure, its plots, the reproduction script and the printed output;
rendered in a real browser (headless Chromium from Debian; .ci/run installs it)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
WRONG = ROOT / "impls" / "wrong" / "collect_post_update_loss.py"
RED = np.array([0xD0, 0x30, 0x30]) / 255  # the plot's "got" markers (scanprops/results/page.py)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser test (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium; CI installs it and runs this test)")
    return found


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """`scanprops check --html` on a wrong collector: the page and the JSON report."""
    folder = tmp_path_factory.mktemp("page")
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "check", str(WRONG), "--jobs", "0",
                           "--functions", "scan_collect_losses", "-k", "oracle or pre_update",
                           "--html", str(folder / "page.html"), "--report", str(folder / "report.json")],
                          cwd=folder, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and (folder / "page.html").is_file(), done.stdout + done.stderr
    return folder / "page.html"


def test_the_page_is_self_contained_and_holds_each_failure(checked):
    text = checked.read_text()
    assert "<script" not in text and 'src="http' not in text and "<link" not in text  # nothing from outside
    assert text.count("<svg") == 2  # one figure per failure (oracle, pre_update), drawn inline
    assert "property `pre_update` failed" in text and "diverges:" in text
    assert "reproduction script" in text and ("float.fromhex" in text or "_a(" in text)
    assert "error per step against its allowance" in text


def test_a_passing_report_draws_no_plot():
    from scanprops.results import page

    passing = {"impl": "x.py", "verdict": "pass", "problems": {
        "ema": {"verdict": "pass", "properties": {"oracle": {"verdict": "pass", "message": "", "counterexample": ""}}}}}
    assert "<svg" not in page.render(passing)


def test_the_page_renders_in_a_browser_with_its_plot(checked, tmp_path):
    chromium = _chromium()
    shot = tmp_path / "page.png"
    done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--screenshot={shot}", "--window-size=1200,1400", checked.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert shot.is_file(), done.stdout + done.stderr
    import matplotlib.image

    pixels = matplotlib.image.imread(str(shot))[..., :3]
    assert pixels.std() > 0.05  # not a blank page
    red = np.all(np.abs(pixels - RED) < 0.08, axis=-1)
    assert red.sum() > 50, "the plot's markers are not on the page"


def test_grade_writes_a_page_per_submission_and_an_index(tmp_path):
    from tests.test_feedback_printed import NOISY

    (tmp_path / "bob.py").write_text(NOISY)  # a wrong running_sum that prints
    (tmp_path / "points.toml").write_text("points = 0\n[functions.running_sum.properties]\noracle = 1\n")
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "grade", str(tmp_path / "bob.py"), "--out",
                           str(tmp_path / "out"), "--config", str(tmp_path / "points.toml"), "--html"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    index = (tmp_path / "out" / "index.html").read_text()
    assert 'href="bob/report.html"' in index
    bob = (tmp_path / "out" / "bob" / "report.html").read_text()
    assert "<svg" in bob and "call with" in bob  # the plot, and what bob's code printed
