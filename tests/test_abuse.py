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

from tests.layers import require

ROOT = Path(__file__).resolve().parents[1]
ABUSE = Path(__file__).resolve().parent / "abuse"
ONE_PROPERTY = ("-k", "oracle and running_sum")
JIT = ("-k", "jit and running_sum")
WRONG = ("differs from the Python-loop oracle",)
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
    # the child as a witness (issue 16): its frames, its own objects, callbacks, forged programs
    Abuse("forge_frames", "error", ("broke the protocol", "nonce")),
    Abuse("reply_bomb", "error", ("broke the protocol",)),
    Abuse("hook_closure_cells", "fail", WRONG),
    Abuse("gc_rebind_orig", "fail", ("jax.jit(f) gives another result than f",), args=JIT),
    Abuse("settrace_hide_tampering", "fail", ("jax.jit(f) gives another result than f",), args=JIT),
    Abuse("callback_export_patch", "fail", ("cannot be compiled as one program",), args=JIT),
    Abuse("callback_decoy_scan", "fail", ("cannot be compiled as one program",),
          args=("-k", "structure and running_sum")),
    Abuse("forged_program", "fail", ("cannot be read",),
          args=("-k", "grad and running_sum")),
    # the run's time budget: what it did not reach is `error`, never `pass`
    Abuse("slow_call", "error", ("time budget of 9 s",),
          args=("-k", "running_sum and (oracle or shape)", "--time-budget", "9"),
          env={"SCANPROPS_CALL_DEADLINE": "60"}),
]


def verdicts(report: dict) -> list[str]:
    """Every verdict anywhere in the report."""
    found = [report["verdict"]]
    for problem in report["problems"].values():
        found.append(problem["verdict"])
        found += [p["verdict"] for p in problem["properties"].values()]
    return found


def run_abuse(tmp_path: Path, case: Abuse, **fill: str):
    """Verify the module from the command line; `fill` replaces {NAME} in its source (as do the
    report's path, the checkout's and the compilation cache's)."""
    source = (ABUSE / f"{case.module}.py").read_text()
    report = tmp_path / "report.json"
    impl = tmp_path / f"{case.module}.py"
    cache = tmp_path / "cache"  # the run's compilation cache, where the module expects it
    fill = {"ROOT": str(ROOT), "REPORT": str(report), "CACHE": str(cache), **fill}
    for key, value in fill.items():
        source = source.replace("{" + key + "}", value)
    impl.write_text(source)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))}
    if str(cache) in source:
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
    import numpy as np

    from scanprops import isolation
    from scanprops.cases import Case
    from scanprops.seam import Plain

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


# --- native code: the kernel's layers (scanprops/confinement.py), each effect checked from outside --
ALL_LAYERS = {}
WITHOUT_SECCOMP = {"SCANPROPS_SANDBOX_LAYERS": "landlock,netns"}  # the warden alone stops processes


def _token() -> str:
    return f"sp{os.getpid() % 10**5}{time.monotonic_ns() % 10**7}"[:15]


def _processes_named(token: str) -> list[str]:
    """Every process whose name or command line holds `token` (read from /proc, outside the run)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/comm") as comm, open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                text = comm.read() + cmdline.read().decode(errors="replace")
        except OSError:
            continue
        if token in text:
            found.append(f"{entry}: {text!r}")
    return found


def _assert_wrong_and_contained(done, report, took, says=WRONG):
    out = done.stdout + done.stderr
    assert done.returncode != 0, out[-3000:]
    assert "pass" not in verdicts(report), json.dumps(report, indent=1)
    assert report["verdict"] == "fail", (report["verdict"], out[-3000:])
    for words in says:
        assert words in out, f"{words!r} not in the output:\n{out[-3000:]}"
    assert took < 90, f"took {took:.0f} s"


@pytest.mark.parametrize("layers", [ALL_LAYERS, {"SCANPROPS_SANDBOX_LAYERS": "landlock"}], ids=["all", "landlock"])
def test_a_file_written_through_libc_never_appears(tmp_path, tmp_path_factory, layers):
    require("landlock")
    target = tmp_path_factory.mktemp("outside") / "escaped.txt"
    done, report, took = run_abuse(tmp_path, Abuse("native_write_outside", "fail", WRONG, env=layers),
                                   OUTSIDE=str(target))
    _assert_wrong_and_contained(done, report, took)
    assert not target.exists(), target.read_text()


@pytest.mark.parametrize("layers", [ALL_LAYERS, {"SCANPROPS_SANDBOX_LAYERS": "landlock"},
                                    {"SCANPROPS_SANDBOX_LAYERS": "seccomp"}, {"SCANPROPS_SANDBOX_LAYERS": "netns"}],
                         ids=["all", "landlock", "seccomp", "netns"])
def test_a_connection_through_libc_never_arrives(tmp_path, layers):
    import select
    import socket

    require(*(layers.get("SCANPROPS_SANDBOX_LAYERS") or "landlock,seccomp,netns").split(","))
    token = _token()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        done, report, took = run_abuse(tmp_path, Abuse("native_connect", "fail", WRONG, env=layers),
                                       PORT=str(port), TOKEN=token)
        pending, _, _ = select.select([listener], [], [], 0.5)
        assert not pending, "the submission's connection reached the listener"
    _assert_wrong_and_contained(done, report, took)


@pytest.mark.parametrize("layers", [ALL_LAYERS, WITHOUT_SECCOMP], ids=["all", "warden_alone"])
@pytest.mark.parametrize("module", ["native_daemon", "posixsubprocess_exec"])
def test_a_process_started_from_native_code_does_not_outlive_the_run(tmp_path, layers, module):
    """A fork-setsid-fork daemon through libc that rewrites the report, and a program started by
    _posixsubprocess.fork_exec: no process of theirs is left, and the report is the controller's."""
    require("seccomp" if not layers else "subreaper")
    token = _token()
    done, report, took = run_abuse(tmp_path, Abuse(module, "fail", WRONG, env=layers), TOKEN=token)
    written = (tmp_path / "report.json").read_bytes()
    time.sleep(1.5)  # the daemon would rewrite the report every 0.1 s
    assert not _processes_named(token), _processes_named(token)
    assert (tmp_path / "report.json").read_bytes() == written
    _assert_wrong_and_contained(done, report, took)


def test_the_answer_key_cannot_be_read_through_a_folder_descriptor(tmp_path):
    require("landlock")
    done, report, took = run_abuse(tmp_path, Abuse("dir_fd_answer_key", "fail", WRONG))
    _assert_wrong_and_contained(done, report, took)


def test_the_processes_above_the_child_cannot_be_traced_or_signalled(tmp_path):
    require("seccomp", "landlock")
    done, report, took = run_abuse(tmp_path, Abuse("trace_and_signal_parent", "fail", WRONG))
    _assert_wrong_and_contained(done, report, took)
    assert "died" not in json.dumps(report), "the child's own parent was killed"


def test_raised_resource_limits_still_stop_a_submission(tmp_path):
    require("seccomp")
    done, report, took = run_abuse(tmp_path, Abuse("raise_rlimits", "fail", ()))
    _assert_wrong_and_contained(done, report, took, says=("ran out of memory",))


def test_a_thread_that_steals_the_requests_gets_no_pass(tmp_path):
    """Which thread reads a request first is a race; either way the judge never uses a frame that
    is not the reply to its own request with the shape that reply must have."""
    done, report, took = run_abuse(tmp_path, Abuse("steal_requests", "error", ()))
    assert done.returncode != 0
    assert "pass" not in verdicts(report), json.dumps(report, indent=1)
    assert report["verdict"] in ("error", "fail")
    assert took < 90


@pytest.mark.parametrize("module,args", [("planted_module", ONE_PROPERTY), ("write_shared_caches", JIT)])
def test_nothing_is_planted_for_another_process(tmp_path, module, args):
    """Modules beside the submission (first on a child's import path), in its working folder and
    in the compile caches, and files in the runner's and the judge's cache folders: none exists
    after the run (checked here, outside it), but in the submission's own compile-cache folder."""
    require("landlock")
    done, report, took = run_abuse(tmp_path, Abuse(module, "fail", (), args=args))
    assert done.returncode != 0 and "pass" not in verdicts(report), json.dumps(report, indent=1)
    own = tmp_path / "cache"  # its own compile-cache folder, which only its own later children read
    planted = [p for p in tmp_path.rglob("*") if (p.name in ("numpy.py", "jax.py", "sitecustomize.py")
               or p.name.startswith("planted-by-submission"))
               and not (p.parent.parent == own / p.parent.parent.name and p.parent.name.startswith("sha256-"))]
    assert not planted, planted
