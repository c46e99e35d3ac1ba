"""`scanprops check --watch`: drive it as a learner does. Write a file of two functions (correct
ones from impls/alt/), wait for the verdicts; replace one function by a known-wrong one
(impls/wrong/) and check that only it is verified again, and that the verdicts equal a
`scanprops check` of the same file, property by property; a syntax error and a module that raises
at import are one line each and the watch goes on; Ctrl-C ends it with status 130 and no
traceback."""
from __future__ import annotations

import ast
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEADER = "import jax\nimport jax.numpy as jnp\nfrom jax import lax\n\n\n"


def function_source(path: str, name: str) -> str:
    """The definition of `name` in impls/`path`, as source (the module's imports go in HEADER)."""
    tree = ast.parse((ROOT / "impls" / path).read_text())
    found = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]
    assert found, f"{path} defines no {name}"
    return ast.unparse(found[0]) + "\n\n\n"


RUNNING_SUM = function_source("alt/running_sum_fori_at_set.py", "running_sum")
EMA_RIGHT = function_source("alt/ema_incremental_update.py", "ema")
EMA_WRONG = function_source("wrong/ema_alpha_rounded.py", "ema")  # BUG: caught by `oracle`


class Lines:
    """The watch's output, line by line, as it comes."""

    def __init__(self, stream):
        self.seen: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, pattern: str, timeout: float = 240) -> re.Match:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = self._queue.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                raise AssertionError(f"the watch ended before {pattern!r}:\n" + "\n".join(self.seen))
            self.seen.append(line)
            match = re.search(pattern, line)
            if match:
                return match
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n" + "\n".join(self.seen))


def start_interruptible(command: list[str], **options) -> subprocess.Popen:
    """Popen with SIGINT handled in this process while it starts, so that the new process gets it
    at its default (a test run started in the background of a shell has it ignored, which a
    child would inherit, and its Python would then never raise KeyboardInterrupt)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: leave it as it is
        return subprocess.Popen(command, **options)
    try:
        return subprocess.Popen(command, **options)
    finally:
        signal.signal(signal.SIGINT, previous)


def verdicts(report: dict) -> dict:
    return {name: {family: entry["verdict"] for family, entry in problem["properties"].items()}
            for name, problem in report["problems"].items() if name in ("ema", "running_sum")}


def test_watch_verifies_again_only_the_edited_function_with_the_verdicts_of_check(tmp_path):
    module = tmp_path / "solutions.py"
    module.write_text(HEADER + RUNNING_SUM + EMA_RIGHT)
    report = tmp_path / "watch.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))}
    command = [sys.executable, "-m", "scanprops.cli", "check", str(module), "--functions", "ema,running_sum"]
    watch = start_interruptible([*command, "--watch", "--report", str(report)], cwd=tmp_path, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines = Lines(watch.stdout)
    try:
        assert lines.wait_for(r"^round 1: verifying (.*)$")[1] == "running_sum, ema"
        lines.wait_for(r"^round 1: running_sum pass, ema pass in ")
        first = json.loads(report.read_text())
        assert first["problems"]["ema"]["verdict"] == first["problems"]["running_sum"]["verdict"] == "pass"

        module.write_text(HEADER + RUNNING_SUM + EMA_WRONG)  # the learner edits ema
        assert lines.wait_for(r"^round 2: verifying (.*)$")[1] == "ema"  # running_sum did not change
        lines.wait_for(r"^round 2: ema fail in ")
        watched = json.loads(report.read_text())
        assert watched["problems"]["ema"]["properties"]["oracle"]["verdict"] == "fail"  # the property its BUG names
        assert "round 2: verifying" in "\n".join(lines.seen)

        checked_report = tmp_path / "check.json"
        done = subprocess.run([*command, "--report", str(checked_report)], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=600)
        assert done.returncode == 1, done.stdout + done.stderr
        assert verdicts(watched) == verdicts(json.loads(checked_report.read_text()))

        module.write_text(HEADER + RUNNING_SUM + EMA_WRONG + "def broken(:\n")
        lines.wait_for(r"^syntax error in solutions\.py line \d+: ")
        module.write_text(HEADER + RUNNING_SUM + EMA_WRONG + "W = 1 / 0\n")  # reached by no function
        lines.wait_for(r"^round 3: no watched function changed; importing the module$")
        lines.wait_for(r"^round 3: .*ZeroDivisionError")
        assert watch.poll() is None  # still watching
    finally:
        watch.send_signal(signal.SIGINT)
        try:
            watch.wait(timeout=60)
        except subprocess.TimeoutExpired:
            watch.kill()
            raise
    lines.wait_for(r"^scanprops: watch stopped$", timeout=10)
    assert watch.returncode == 130
    assert "Traceback" not in "\n".join(lines.seen)


def test_watch_refuses_a_function_the_catalog_does_not_have(tmp_path):
    module = tmp_path / "solutions.py"
    module.write_text(HEADER + EMA_RIGHT)
    command = [sys.executable, "-m", "scanprops.cli", "check", str(module), "--watch", "--functions", "emma"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 4
    assert "emma is not in the catalog" in done.stdout + done.stderr
