"""Where the seconds of a single-function `scanprops check` go before and around its tests: each
piece of start-up timed on its own (a fresh process each time), then the whole run with one
process and with two xdist workers, medians of several runs, side by side.

    python -m benchmarks.startup [--repeat 5] [--function ema]

The module verified is the reference implementations of the lesson seed written out as a
learner's file (impls/lesson_scan.py without its imports of impls); the compile cache is a fresh
folder, warmed by one run first (so the figures are warm runs). docs/speed.md ("Start-up") has
the figures and what they say.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def learner_file(folder: Path, *modules: str) -> Path:
    """The reference's `modules` (impls/NAME.py) as one learner's file, without the imports of impls."""
    lines = ["from __future__ import annotations"]
    for name in modules:
        for line in (ROOT / "impls" / f"{name}.py").read_text().splitlines():
            if not line.startswith(("from __future__", "from impls", "import impls", "__all__")):
                lines.append(line)
    path = folder / "solutions.py"
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(command: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 5):
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return seconds, done.stdout + done.stderr


def session_seconds(output: str) -> float:
    """pytest's own "in X s" (from its session start: collection, workers' start-up, tests)."""
    found = re.findall(r" in ([0-9.]+)s", output)
    return float(found[-1]) if found else float("nan")


def child_start_s() -> float:
    """From asking for a child to the first result of a trivial call (JAX, its backend, the
    kernel's layers, the guards, importing a one-function module), in this process."""
    from scanprops import isolation
    from scanprops.cases import Case
    from scanprops.seam import Plain

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "solution.py"
        path.write_text("import jax.numpy as jnp\n\ndef running_sum(xs):\n    return jnp.cumsum(xs)\n")
        executor = isolation.Executor(deadline=120)
        start = time.perf_counter()
        try:
            executor.run(str(path), "running_sum", (), Case.of(xs=np.arange(3, dtype=np.float32)), Plain())
            return time.perf_counter() - start
        finally:
            executor.close()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--function", default="ema")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))},
               "SCANPROPS_CACHE_DIR": str(Path(folder) / "cache")}
        module = learner_file(Path(folder), "lesson_scan")
        check = [py, "-m", "scanprops.cli", "check", str(module), "--functions", args.function]
        pieces = {
            "python -c pass": [py, "-c", "pass"],
            "import jax": [py, "-c", "import jax"],
            "import jax; jax.devices()": [py, "-c", "import jax; jax.devices()"],
            "import pytest, hypothesis": [py, "-c", "import pytest, hypothesis"],
            "import scanprops.plugin": [py, "-c", "import scanprops.plugin"],
            "import the catalog and the property tests": [
                py, "-c", "import scanprops.catalog, scanprops.props.families, scanprops.props.test_oracle"],
            "pytest --co, one process (start, import probe child, collection)":
                [py, "-m", "pytest", *_collect_args(module, args.function)],
        }
        timed([*check, "-j", "0"], env)  # warm the caches
        print(f"load average before: {load()} ({os.cpu_count()} cores)")
        rows = []
        for label, command in pieces.items():
            rows.append((label, [timed(command, env)[0] for _ in range(args.repeat)]))
        rows.append(("child start to first result (in process)", [child_start_s() for _ in range(args.repeat)]))
        for jobs in ("0", "2"):
            runs = [timed([*check, "-j", jobs], env) for _ in range(args.repeat)]
            rows.append((f"check --functions {args.function} -j {jobs}: whole run", [s for s, _ in runs]))
            rows.append(("  of which pytest's session (collection, workers, tests)",
                         [session_seconds(out) for _, out in runs]))
        print(f"load average after: {load()}")
    print(f"\n| piece (median of {args.repeat}, warm) | median s | min s | max s |\n|---|---:|---:|---:|")
    for label, times in rows:
        print(f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")


def _collect_args(module: Path, function: str) -> list[str]:
    from scanprops.runner import pytest_args

    return pytest_args(str(module), jobs=0, functions=[function], extra=("--co",))


if __name__ == "__main__":
    main()
