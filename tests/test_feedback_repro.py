"""Reproduction scripts (scanprops/repro.py): for one failure of each property a project wrong
module triggers, the script, run as a plain `python repro.py` outside the harness, reproduces the
failure (exit status 1, the mismatch printed); on the reference implementation it passes (exit
0), so it checks something that can fail."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanprops import repro
from scanprops.catalog import BY_NAME
from scanprops.failure import PropertyFailure
from tests import proof

ROOT = Path(__file__).resolve().parents[1]
HANG_S = 5.0

# One wrong module per property that a module of impls/wrong/ is caught by (each one's BUG).
# What the script prints when it reproduces the failure.
ONE_PER_PROPERTY = {
    "oracle": ("cumsum_first_64_padded", "diverges: out["),
    "shape": ("running_sum_returns_final_carry", "expected shapes and dtypes"),
    "pre_update": ("collect_post_update_loss", "diverges: losses["),
    "jit": ("safe_divide_python_if", "the call raised"),
    "grad": ("safe_divide_where_nan_grad", "error:    max abs"),
    "devices": ("sgd_pins_default_device", "Received incompatible devices"),
    "structure": ("running_sum_python_for", "operations"),
    "termination": ("find_root_no_iteration_cap", "did not finish within"),
}


def test_every_property_a_wrong_module_is_caught_by_is_covered():
    caught = {m.BUG.caught_by for m in proof.wrong_modules()}
    assert caught == set(ONE_PER_PROPERTY)


def _run(script: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_", "XLA_"))}
    env["PYTHONPATH"] = str(ROOT)  # impls/wrong's modules import their Bug from impls.wrong
    return subprocess.run([sys.executable, str(script), *args], cwd=script.parent, env=env, capture_output=True,
                          text=True, timeout=180)


@pytest.mark.parametrize("family", sorted(ONE_PER_PROPERTY))
def test_the_script_reproduces_the_failure_outside_the_harness(family, tmp_path):
    module, shows = ONE_PER_PROPERTY[family]
    bug = __import__(f"impls.wrong.{module}", fromlist=["BUG"]).BUG
    with pytest.raises(PropertyFailure) as caught, proof.call_deadline(HANG_S if family == "termination" else None):
        proof.run(f"impls.wrong.{module}", bug.function, family)
    failure = caught.value
    path = ROOT / "impls" / "wrong" / f"{module}.py"
    script = repro.write(tmp_path, failure.problem, failure.family,
                         repro.script(failure, BY_NAME[failure.problem], str(path)))
    assert script.name == f"repro_{bug.function}_{family}.py"
    done = _run(script, "--deadline", str(HANG_S))
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "reproduced: the property still fails" in out and shows in out, out
    # The same script on a correct implementation: the failure is gone.
    fixed = _run(script, "--module", str(ROOT / "impls" / "reference.py"), "--deadline", str(HANG_S))
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "not reproduced: the property holds here" in fixed.stdout


def test_the_input_is_embedded_bit_for_bit():
    import numpy as np

    from scanprops.cases import Case

    value = np.array([0.1, 1 / 3, -2.5e-38, np.float32(np.pi)], dtype=np.float32)
    case = Case.of(xs=value)
    failure = PropertyFailure("running_sum", "oracle", "running_sum: property `oracle` failed: x", case,
                              expected=np.cumsum(value.astype(np.float64)), actual=value, atol=np.zeros(4))
    text = repro.script(failure, BY_NAME["running_sum"], "/nowhere/solution.py")
    namespace: dict = {}
    exec(compile(text.split("def load(spec):")[0], "repro", "exec"), namespace)  # the data part only
    (name, rebuilt, by_keyword), = namespace["CALLS"][0]
    assert name == "xs" and not by_keyword
    assert rebuilt.dtype == value.dtype and rebuilt.tobytes() == value.tobytes()
    assert namespace["EXPECTED"].tobytes() == np.cumsum(value.astype(np.float64)).tobytes()


def test_check_writes_the_scripts_and_the_report_carries_them(tmp_path):
    from tests.test_command_line import scanprops

    folder = tmp_path / "repro"
    wrong = ROOT / "impls" / "wrong" / "collect_post_update_loss.py"
    code, _, report = scanprops(tmp_path, None, "-k", "pre_update", "--scan-repro", str(folder), impl=str(wrong))
    assert code != 0
    entry = report["problems"]["scan_collect_losses"]["properties"]["pre_update"]
    script = folder / "repro_scan_collect_losses_pre_update.py"
    assert script.is_file() and script.read_text() == entry["repro"]
    assert str(wrong) in entry["repro"]  # the learner's module, by its path
    done = _run(script)
    assert done.returncode == 1 and "diverges: losses[" in done.stdout, done.stdout + done.stderr
