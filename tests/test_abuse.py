"""Untrusted submissions: each module in tests/abuse/ tries one way to hang, crash, exit, flood,
tamper with the verdict or copy the answer key. Each is copied into a temporary folder (a
learner's file, outside the harness) and verified from the command line, as a grader would; every
run must end in bounded time with a non-zero exit status, the right kind of verdict, a message
that names what happened, and no `pass` anywhere in its report.

Limits are made small here (2 s per call, 1 GB of memory, a few seconds to import) so that the
whole suite stays fast; the mechanism is the same as with the defaults.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ABUSE = Path(__file__).resolve().parent / "abuse"
ONE_PROPERTY = ("-k", "test_matches_the_python_loop_oracle and running_sum")
SMALL_LIMITS = {"SCANPROPS_CALL_DEADLINE": "2", "SCANPROPS_IMPORT_DEADLINE": "30",
                "SCANPROPS_CHILD_MEMORY_MB": "1024"}


@dataclass(frozen=True)
class Abuse:
    module: str
    verdict: str  # the report's overall verdict: "error" (cannot be judged) or "fail"
    says: tuple[str, ...]  # text the output and the report must hold
    args: tuple[str, ...] = ONE_PROPERTY
    env: dict = field(default_factory=dict)
    within_s: float = 60.0


CASES = [
    # replacing what the harness uses: tampering, the whole submission is an error
    Abuse("tamper_jax_grad_at_import", "error", ("changed JAX, NumPy or Python builtins", "jax.grad")),
    Abuse("tamper_jax_jit_in_call", "error", ("changed JAX, NumPy or Python builtins", "jax.jit")),
    Abuse("tamper_numpy_asarray", "error", ("numpy.asarray",)),
    Abuse("tamper_builtins", "error", ("builtins.isinstance",)),
    Abuse("tamper_sys_modules", "error", ("sys.modules['jax'] was replaced",)),
    # the harness's own code: never importable from the submission's process
    Abuse("patch_harness_families", "error", ("harness's own code", "import scanprops.props")),
    Abuse("reexport_reference", "error", ("the answer key", "import impls")),
    Abuse("read_reference_source", "error", ("the answer key", "impls/lesson_scan.py")),
    Abuse("read_judge_cache", "error", ("the answer key", "/judge-")),
    # pytest's reporting and the report file are out of reach: the wrong result still fails
    Abuse("patch_pytest_reporting", "fail", ("differs from the Python-loop oracle",)),
    Abuse("rewrite_report", "fail", ("differs from the Python-loop oracle",)),
    Abuse("kill_the_judge", "fail", ("differs from the Python-loop oracle",)),
    Abuse("detect_the_judge", "fail", ("differs from the Python-loop oracle",)),
    # lying results: only plain numeric arrays are read
    Abuse("lying_object", "fail", ("returned a lying_object.Liar, not an array",)),
    Abuse("registered_pytree_node", "fail", ("returned a registered_pytree_node.Box, not an array",)),
    Abuse("ndarray_subclass", "fail", ("returned a ndarray_subclass.Agreeable, not an array",)),
    # import: raises, exits, hangs, holds memory
    Abuse("hang_at_import", "error", ("did not finish within 3 s", "loops or waits at import"),
          env={"SCANPROPS_IMPORT_DEADLINE": "3"}),
    Abuse("exit_at_import", "error", ("cannot be imported", "died (exit code 0)")),
    Abuse("memory_at_import", "error", ("ran out of memory while being imported",)),
    # calls: slow, memory, floods, exits, kills
    Abuse("slow_call", "fail", ("did not finish within 2 s",), args=("-k", "running_sum and (oracle or shape)")),
    Abuse("memory_in_call", "fail", ("ran out of memory", "SCANPROPS_CHILD_MEMORY_MB")),
    Abuse("output_flood", "fail", ("did not finish within 2 s",)),
    Abuse("self_kill", "fail", ("died (signal SIGKILL)",)),
    Abuse("exit_in_call", "fail", ("died (exit code 0)",)),
    # the run's time budget: what it did not reach is `error`, never `pass`
    Abuse("slow_call", "error", ("time budget of 9 s",), args=("-k", "running_sum and (oracle or shape)", "--time-budget", "9"),
          env={"SCANPROPS_CALL_DEADLINE": "60"}),
]


def verdicts(report: dict) -> list[str]:
    """Every verdict anywhere in the report."""
    found = [report["verdict"]]
    for problem in report["problems"].values():
        found.append(problem["verdict"])
        found += [p["verdict"] for p in problem["properties"].values()]
    return found


def run_abuse(tmp_path: Path, case: Abuse):
    source = (ABUSE / f"{case.module}.py").read_text()
    report = tmp_path / "report.json"
    impl = tmp_path / f"{case.module}.py"
    cache = tmp_path / "cache"  # the run's compilation cache, where the module expects it
    impl.write_text(source.replace("{ROOT}", str(ROOT)).replace("{REPORT}", str(report)).replace("{CACHE}", str(cache)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))}
    if "{CACHE}" in source:
        env["SCANPROPS_CACHE_DIR"] = str(cache)
    env.update(SMALL_LIMITS)
    env.update(case.env)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "--impl", str(impl), "--scan-report", str(report),
         *case.args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    return done, json.loads(report.read_text()), time.monotonic() - started


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.module + ("_budget" if "--time-budget" in c.args else ""))
def test_abusive_submission_never_passes(tmp_path, case):
    done, report, took = run_abuse(tmp_path, case)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "pass" not in verdicts(report), json.dumps(report, indent=1)
    assert report["verdict"] == case.verdict, (report["verdict"], out[-3000:])
    text = json.dumps(report)
    for words in case.says:
        assert words in out, f"{words!r} not in the output:\n{out[-3000:]}"
        assert words in text or words in json.dumps(report.get("error", "")), f"{words!r} not in the report"
    assert took < case.within_s, f"took {took:.0f} s"


def test_the_report_is_the_controllers_own(tmp_path):
    """The forging submission's process never wrote the report: it is the controller's, whole."""
    done, report, _ = run_abuse(tmp_path, next(c for c in CASES if c.module == "rewrite_report"))
    assert report["schema"] == 1 and report["impl"].endswith("rewrite_report.py")
    assert report["problems"]["running_sum"]["properties"]["oracle"]["verdict"] == "fail"
    assert not list(tmp_path.glob(".report.json.*"))  # no temporary file left behind


def test_the_child_holds_no_harness_module(tmp_path):
    """What a submission can see in sys.modules: JAX, NumPy, the standard library; never
    pytest, Hypothesis or the harness's packages."""
    from scanprops import isolation
    from scanprops.cases import Case
    from scanprops.seam import Plain

    import numpy as np

    spy = tmp_path / "spy.py"
    spy.write_text(
        "import sys\nimport jax.numpy as jnp\n\n"
        "SEEN = sorted({m.split('.')[0] for m in sys.modules} & {'pytest', '_pytest', 'hypothesis', 'scanprops', "
        "'strategies', 'props', 'impls', 'xdist', 'execnet', 'pluggy', 'tests'})\n\n"
        "def running_sum(xs):\n    return jnp.float32(len(SEEN) + 100 * len([k for k in __import__('os').environ "
        "if k.startswith(('PYTEST', 'SCANPROPS', 'HYPOTHESIS'))]))\n")
    executor = isolation.Executor(deadline=30)
    try:
        out = executor.run(str(spy), "running_sum", (), Case.of(xs=np.zeros(2, np.float32)), Plain())
    finally:
        executor.close()
    assert float(out.value) == 0.0
