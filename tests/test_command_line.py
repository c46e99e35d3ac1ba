"""The command line as a learner and a grader meet it: run pytest itself on small modules.

Each run is restricted with -k to one cheap property so these stay a few seconds each.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOOD_TRAINER = """
import jax, jax.numpy as jnp
from jax import lax

def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, b):
        x, y = b
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None
    return lax.scan(step, w, (x_batches, y_batches))[0]
"""


def scanprops(tmp_path: Path, source: str | None, *args: str, name: str = "solutions.py", impl: str | None = None,
              pythonpath: str | None = None):
    """Run `pytest --impl <file>` (or `--impl <impl>`) from the project root; return (exit code,
    output, report)."""
    if impl is None:
        impl = str(tmp_path / name)
        if source is not None:
            (tmp_path / name).write_text(textwrap.dedent(source))
    report = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--impl", impl, "--scan-report", str(report), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    data = json.loads(report.read_text()) if report.exists() else None
    return done.returncode, done.stdout + done.stderr, data


ORACLE_ONLY = ("-k", "oracle and scan_training_step")


def test_missing_file_is_one_clear_error(tmp_path):
    code, out, report = scanprops(tmp_path, None)
    assert code != 0
    assert "no such file" in out and "solutions.py" in out
    assert "Traceback" not in out
    assert report["verdict"] == "error" and "no such file" in report["error"]


def test_syntax_error_names_the_file_and_line(tmp_path):
    code, out, report = scanprops(tmp_path, "def scan_training_step(w, lr, x, y:\n    return w\n")
    assert code != 0
    assert "SyntaxError" in out and "line 1" in out
    assert "Traceback" not in out
    assert report["verdict"] == "error"


def test_import_error_names_the_cause(tmp_path):
    code, out, _ = scanprops(tmp_path, "import not_a_real_package\n")
    assert code != 0
    assert "ModuleNotFoundError" in out and "not_a_real_package" in out
    assert "Traceback" not in out


def test_exit_at_import_is_an_error_not_a_pass(tmp_path):
    code, out, _ = scanprops(tmp_path, "import sys\nsys.exit(0)\n")
    assert code != 0
    assert "exit(0)" in out


def test_a_module_without_catalog_functions_is_an_error(tmp_path):
    code, out, _ = scanprops(tmp_path, "def train(w):\n    return w\n")
    assert code != 0
    assert "defines none of the catalog's functions" in out


def test_a_dotted_module_name_is_verified_in_the_sandbox(tmp_path):
    package = tmp_path / "learner_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "solutions.py").write_text(textwrap.dedent(GOOD_TRAINER))
    code, out, report = scanprops(tmp_path, None, *ORACLE_ONLY, impl="learner_pkg.solutions", pythonpath=str(tmp_path))
    assert code == 0, out
    assert report["impl"] == "learner_pkg.solutions"
    assert report["problems"]["scan_training_step"]["properties"]["oracle"]["verdict"] == "pass"


def test_missing_functions_are_reported_missing_not_failed(tmp_path):
    code, out, report = scanprops(tmp_path, GOOD_TRAINER, "-k", "oracle")
    assert code == 0, out
    assert report["verdict"] == "pass"
    assert report["problems"]["scan_training_step"]["verdict"] == "pass"
    assert report["problems"]["scan_collect_losses"]["verdict"] == "missing"
    assert "missing" in out


def test_wrong_signature_fails_with_an_explanation(tmp_path):
    code, out, report = scanprops(tmp_path, "def scan_training_step(w, xs):\n    return w\n", *ORACLE_ONLY)
    assert code == 1
    assert "cannot be called as the catalog does" in out
    assert report["problems"]["scan_training_step"]["verdict"] == "fail"


def test_returning_none_fails_with_that_said(tmp_path):
    source = "def scan_training_step(w, lr, x_batches, y_batches):\n    w = w * 1.0\n"
    code, out, report = scanprops(tmp_path, source, *ORACLE_ONLY)
    assert code == 1
    assert "returned None" in out
    entry = report["problems"]["scan_training_step"]["properties"]["oracle"]
    assert entry["verdict"] == "fail" and "scan_training_step(w=" in entry["counterexample"]


def test_a_hanging_function_times_out_as_a_failure(tmp_path):
    source = "def scan_training_step(w, lr, x_batches, y_batches):\n    while True:\n        pass\n"
    code, out, report = scanprops(tmp_path, source, *ORACLE_ONLY, "--timeout", "5")
    assert code == 1
    assert report["problems"]["scan_training_step"]["properties"]["oracle"]["verdict"] == "fail"


def test_a_function_that_kills_its_worker_is_never_a_pass(tmp_path):
    source = "import os\ndef scan_training_step(w, lr, x_batches, y_batches):\n    os._exit(0)\n"
    code, out, report = scanprops(tmp_path, source, *ORACLE_ONLY, "-n", "1")
    assert code != 0
    assert report["verdict"] != "pass"
    assert report["problems"]["scan_training_step"]["verdict"] in ("fail", "error")


def test_report_under_xdist_holds_the_failure_and_its_counterexample(tmp_path):
    # As a learner's own file: outside the harness, importing impls.wrong would be refused.
    wrong = (ROOT / "impls/wrong/sgd_hard_coded_lr.py").read_text().replace(
        "from impls.wrong import Bug", "def Bug(*args, **kwargs):\n    pass")
    code, out, report = scanprops(tmp_path, wrong, *ORACLE_ONLY, "-n", "2")
    assert code == 1
    assert report["schema"] == 1 and report["verdict"] == "fail"
    assert report["environment"]["devices"] >= 1 and report["environment"]["jax"]
    oracle = report["problems"]["scan_training_step"]["properties"]["oracle"]
    assert "hard-coded learning rate" in oracle["message"]
    assert oracle["counterexample"].startswith("scan_training_step(")
    assert "tests/" not in out  # with --impl only the learner's module is verified
