"""The speed benchmark (benchmarks/speed.py) runs, counts compiles through the child's opt-in
tallies, and prints its table with every column, the naive baseline included. One small row and
one property, in a process of its own (the benchmark configures JAX before its backends start)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_speed_benchmark_prints_its_table_for_one_row_and_property():
    from benchmarks.speed import COLUMNS

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "benchmarks.speed", "--rows", "safe_divide", "--families", "jit",
                           "--markdown"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    header = next(line for line in lines if line.startswith("| function |"))
    assert [c.strip() for c in header.strip("|").split("|")] == list(COLUMNS)
    row = next(line for line in lines if line.startswith("| safe_divide | jit |"))
    cells = dict(zip(COLUMNS, (c.strip() for c in row.strip("|").split("|"))))
    assert cells["verdict"] == "pass"
    assert int(cells["examples"]) >= 10 and int(cells["naive ex"]) == int(cells["examples"])
    assert int(cells["compiles"]) >= 1  # jax.jit compiled at least once in the child: the tallies arrive
    assert int(cells["shapes"]) >= 1
    assert float(cells["total s"]) > 0 and cells["speedup"].endswith("x")
    assert any(line.startswith("| TOTAL |") for line in lines)
    assert "examples/s" in done.stdout
