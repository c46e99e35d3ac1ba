"""The cost of the child's confinement: seconds from asking for a child to the first result of a
trivial call (start, JAX's import and backend, the kernel's layers, the guards, importing a
one-function module), median of several, for the checkout it runs from.

    python -m benchmarks.child_start [--repeat 7]

Run it from two checkouts (each with its own environment) one after the other, or alternating,
to compare (docs/speed.md has the figures). It also prints the layers the child applied."""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from scanprops import isolation
from scanprops.cases import Case
from scanprops.seam import Plain

MODULE = "import jax.numpy as jnp\n\ndef running_sum(xs):\n    return jnp.cumsum(xs)\n"


def once(path: str) -> float:
    executor = isolation.Executor(deadline=120)
    started = time.perf_counter()
    try:
        executor.run(path, "running_sum", (), Case.of(xs=np.arange(3, dtype=np.float32)), Plain())
        return time.perf_counter() - started
    finally:
        executor.close()
        print("  layers:", getattr(executor, "layers", "none (before the kernel's layers)"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "solution.py"
        path.write_text(MODULE)
        times = [once(str(path)) for _ in range(args.repeat)]
    print(f"child start to first result: median {statistics.median(times):.3f} s, "
          f"min {min(times):.3f} s, max {max(times):.3f} s over {len(times)} ({isolation.__file__})")


if __name__ == "__main__":
    main()
