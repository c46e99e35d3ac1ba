"""Seed 004's exercise, measured: the RNN forward pass as a Python `for`, `lax.scan` and
`lax.fori_loop` (impls/rnn_three_ways.py), side by side in one process.

For each sequence length T and each version:
- jaxpr size: lines of its text, and equations counted through loop bodies (as the
  `structure` property counts them);
- compile time: `jax.jit(f).lower(...).compile()`, i.e. tracing, lowering and XLA
  compilation, what the first call pays;
- run time: the median of --repeats calls of the compiled function, each waited for with
  block_until_ready.

Prints the table and writes, to --out, rnn_three_ways.md (the table) and rnn_three_ways.png
(the three measures against T, log scales).

    python benchmarks/rnn_three_ways.py [--lengths 64 256 1024] [--hidden 32] [--features 16]
                                        [--repeats 50] [--seed 0] [--out benchmarks/out]

The Python `for` at T = 1024 takes about a minute to compile: pass shorter --lengths for a
quick look.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import jax
import numpy as np

from impls.rnn_three_ways import VERSIONS
from scanprops.cases import Case
from scanprops.in_process import execute
from scanprops.seam import Jaxpr
from scanprops.strategies.lesson_scan import contraction_bound


@dataclass(frozen=True)
class Row:
    length: int
    version: str
    jaxpr_lines: int
    equations: int
    compile_s: float
    run_ms: float


def inputs(hidden: int, features: int, length: int, seed: int):
    """Weights within the strategies' bounds (tanh not saturated), as float32 JAX arrays."""
    rng = np.random.default_rng(seed)

    def u(shape, bound):
        return jax.numpy.asarray(rng.uniform(-bound, bound, shape).astype(np.float32))

    params = {"W_h": u((hidden, hidden), contraction_bound(hidden)),
              "W_x": u((hidden, features), contraction_bound(features)), "b": u((hidden,), 1.0)}
    return params, u((hidden,), 1.0), u((length, features), 2.0)


def measure(version: str, length: int, args) -> Row:
    fn = VERSIONS[version]
    params, h0, xs = inputs(args.hidden, args.features, length, args.seed)
    start = time.perf_counter()
    compiled = jax.jit(fn).lower(params, h0, xs).compile()  # a fresh jit: nothing cached yet
    compile_s = time.perf_counter() - start
    compiled(params, h0, xs).block_until_ready()  # one warm-up call
    runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        compiled(params, h0, xs).block_until_ready()
        runs.append(time.perf_counter() - start)
    stats = execute(fn, "rnn_forward", (), Case.of(params=params, h0=h0, xs=xs), Jaxpr())
    return Row(length, version, stats.text_lines, stats.equations, compile_s, 1e3 * statistics.median(runs))


def table(rows: list[Row]) -> str:
    lines = ["| T | version | jaxpr lines | jaxpr equations | compile (s) | run (ms) |",
             "|---:|---|---:|---:|---:|---:|"]
    lines += [f"| {r.length} | {r.version} | {r.jaxpr_lines} | {r.equations} | {r.compile_s:.3f} | {r.run_ms:.3f} |"
              for r in rows]
    return "\n".join(lines)


def setting(args) -> str:
    device = jax.devices()[0]
    return (f"H = {args.hidden}, D = {args.features}, float32, jitted; run time = median of {args.repeats} calls. "
            f"jax {jax.__version__}, {device.platform} ({device.device_kind}), {platform.machine()}.")


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measures = (("equations", "jaxpr equations"), ("compile_s", "compile time (s)"), ("run_ms", "run time (ms)"))
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, (field, label) in zip(axes, measures):
        for version in VERSIONS:
            mine = [r for r in rows if r.version == version]
            ax.plot([r.length for r in mine], [getattr(r, field) for r in mine], marker="o", label=version)
        ax.set(xscale="log", yscale="log", xlabel="sequence length T", ylabel=label, title=label)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].legend()
    fig.suptitle("RNN forward pass three ways (seed 004's exercise)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lengths", type=int, nargs="+", default=[64, 256, 1024], help="sequence lengths T")
    parser.add_argument("--hidden", type=int, default=32, help="hidden size H")
    parser.add_argument("--features", type=int, default=16, help="input size D")
    parser.add_argument("--repeats", type=int, default=50, help="timed calls per measurement")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random weights and inputs")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"), help="folder for the .md and .png")
    args = parser.parse_args(argv)

    warm = inputs(args.hidden, args.features, 1, args.seed)  # the process's first compile pays start-up
    jax.jit(VERSIONS["lax.scan"]).lower(*warm).compile()  # costs that belong to no version
    rows = []
    for length in args.lengths:
        for version in VERSIONS:
            rows.append(measure(version, length, args))
            r = rows[-1]
            print(f"T={length:<5} {version:<14} {r.equations:>6} eqns  compile {r.compile_s:8.3f} s  "
                  f"run {r.run_ms:8.3f} ms", flush=True)
    text = table(rows)
    print(f"\n{setting(args)}\n\n{text}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "rnn_three_ways.md").write_text(f"{setting(args)}\n\n{text}\n")
    plot(rows, args.out / "rnn_three_ways.png")
    print(f"\nwrote {args.out / 'rnn_three_ways.md'} and {args.out / 'rnn_three_ways.png'}")
    return rows


if __name__ == "__main__":
    main()
