"""`scanprops check` speaks for itself: its header, a line per function, each failure once and the
summary, without pytest's plumbing; plain text when its output is not a terminal (CI logs).
`pytest --impl` keeps pytest's conventions."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.test_command_line import scanprops as pytest_impl

ROOT = Path(__file__).resolve().parents[1]
WRONG = ROOT / "impls" / "wrong" / "collect_post_update_loss.py"
PLUMBING = ("bringing up nodes", "[gw0]", "[gw1]", "FAILED ", "short test summary", "passed in", "failed in",
            "warnings summary", "Traceback")


def test_check_prints_each_failure_once_and_no_pytest_plumbing(tmp_path):
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "check", str(WRONG), "--jobs", "2",
                           "--functions", "scan_collect_losses", "-k", "oracle or pre_update"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    out = done.stdout
    assert done.returncode != 0, out + done.stderr
    for noise in PLUMBING:
        assert noise not in out, f"{noise!r} in:\n{out}"
    assert "\x1b[" not in out  # no colour codes or cursor movement in a log
    for family in ("oracle", "pre_update"):
        assert out.count(f"scan_collect_losses: property `{family}` failed") == 1, out
    assert "scan_collect_losses: 2 properties checked, 2 failed" in out
    assert "  fail     scan_collect_losses  (" in out and "  verdict: fail" in out
    assert out.index("property `oracle` failed") < out.index("verdict: fail")  # the summary comes last


def test_pytest_impl_keeps_pytests_conventions(tmp_path):
    code, out, _ = pytest_impl(tmp_path, None, "-k", "pre_update", impl=str(WRONG))
    assert code != 0
    assert "FAILED " in out and "short test summary" in out
    # once in the failure's section (pytest's short summary repeats its first line after FAILED,
    # cut to the terminal's width, or whole where $CI is set)
    body = "\n".join(line for line in out.splitlines() if not line.startswith("FAILED "))
    assert body.count("scan_collect_losses: property `pre_update` failed") == 1, out
