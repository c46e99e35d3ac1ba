"""Where a verification run spends its time, per catalog row and property, beside a plain
Hypothesis test written as a first attempt would be.

For every (row, property) it runs the real property (scanprops.props.registry), through
the real seam and its sandboxed child, on the reference implementations or on `--impl`, one after
another in this one process (as one pytest worker would, sharing the seam's memo of plain calls and
the oracle's memo of gradients), and prints:

- `examples`: inputs checked (the explicit ones, edge cases and the large input, included);
- `shapes`: distinct argument signatures the seam sent (array shapes and dtypes, and the values of
  static arguments, which key a jit cache as much as shapes do);
- `compiles`: backend compiles counted from JAX's own monitoring events, in the child (code
  under test) and in this process (the oracles' float64 gradients, Flax initialisations); with
  a persistent cache, `hits` of them were loads from it;
- seconds: `compile` (tracing, lowering and backend compiles, both processes; `of which judge`:
  in this process, the oracles' side), `run` (requests to
  the child, less the compiling in them: running code under test and the pipe), `oracle` (oracle
  values and gradients, less their compiling), `allowance` (the tolerances: some walk the oracle's
  trajectory), `rest` (Hypothesis, comparisons, messages), `total`;
- `ex/s` for the harness, and beside it, for the same row and property, a plain Hypothesis test
  as a first attempt would write it (`naive`): `@given` with sizes drawn freely from the same
  ranges (integers, not the pools; any int32 seed), the implementation called eagerly in this
  process (`jax.jit`, `jax.grad`, `jax.vmap` and `device_put` written in the test), compared with
  the same oracle by `np.testing.assert_allclose` at a fixed rtol, as many examples as the harness
  checked. `speedup` is the harness's examples per second over the naive test's. The naive test's
  comparisons that fail its fixed tolerance are counted (`naive fails`), not raised.

The naive baseline runs after every harness measurement, with this process's JAX caches and the
oracle's memos cleared first, so neither side warms the other (the child's caches are its own).

    python -m benchmarks.speed [--impl impls.reference] [--rows NAME,...] [--families oracle,jit,...]
                               [--profile default] [--compile-cache off|DIR] [--no-naive] [--markdown]

`--compile-cache DIR` points both processes at JAX's persistent cache in DIR (its `judge/` and
`code-under-test/` folders): empty DIR gives a cold-cache run, a second run a warm one. Off by
default, so that every compile is paid. Figures depend on the machine and its load: see
docs/speed.md.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

COLUMNS = ("function", "property", "verdict", "examples", "shapes", "compiles", "hits", "compile s", "of which judge",
           "run s",
           "oracle s", "allowance s", "rest s", "total s", "ex/s", "naive ex", "naive shapes", "naive compiles",
           "naive s", "naive ex/s", "naive fails", "speedup")
NAIVE_RTOL, NAIVE_ATOL = 1e-4, 1e-6  # what a first attempt picks: a fixed relative tolerance


@dataclass
class Measure:
    function: str
    family: str
    verdict: str = "pass"
    examples: int = 0
    shapes: set = field(default_factory=set)
    compiles: int = 0
    hits: int = 0
    compile_s: float = 0.0
    judge_compile_s: float = 0.0  # of compile_s, in this process (oracle gradients, Flax inits)
    trace_s: float = 0.0  # JAX's events, both processes (they overlap: compile_s is their union)
    lower_s: float = 0.0
    backend_s: float = 0.0  # backend compiles and loads from the persistent cache
    run_s: float = 0.0
    oracle_s: float = 0.0
    budget_s: float = 0.0
    rest_s: float = 0.0
    total_s: float = 0.0
    # the naive baseline
    naive_examples: int = 0
    naive_shapes: set = field(default_factory=set)
    naive_compiles: int = 0
    naive_s: float = 0.0
    naive_fails: int = 0
    naive_error: str = ""
    # raw, for the attribution
    cut_wall: float = 0.0
    oracle_wall: float = 0.0
    oracle_compile: float = 0.0
    budget_wall: float = 0.0
    budget_compile: float = 0.0


CURRENT: list[Measure] = []  # the measurement in progress (one at a time)


def signature(problem, case) -> tuple:
    """What keys a compiled program: array shapes and dtypes, and static arguments' values."""

    def sig(name, value):
        if name in problem.static:
            coeffs = getattr(value, "coeffs", None)
            return ("static", tuple(coeffs) if coeffs is not None else value)
        if isinstance(value, dict):
            return tuple(sorted((k, sig("", v)) for k, v in value.items()))
        return (np.shape(value), str(np.asarray(value).dtype))

    return tuple(sig(n, v) for n, v in case.args)


# --- setting up the process (before JAX starts its backends) -----------------------------------------
def setup(args) -> object:
    """Devices, profile, compile cache, compile counting; returns this process's CompileTally."""
    from scanprops import compile_cache, devices, isolation, profiles
    from scanprops.child.tally import CompileTally
    from scanprops.limits import RunLimits

    devices.force_cpu_devices(args.cpu_devices)
    profiles.load(args.profile)
    if args.compile_cache == "off":
        folders = None
    else:
        base = Path(args.compile_cache).expanduser().resolve()
        folders = compile_cache.Folders(str(base / "judge"), str(base / "code-under-test"))
        for folder in (folders.judge, folders.children):
            Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
    compile_cache.use(folders)
    isolation.start(RunLimits.from_environment(cache=folders, compile_stats=True))
    import jax

    tally = CompileTally()
    if not tally.install(jax):
        sys.exit("this JAX has no jax.monitoring listeners: compiles cannot be counted")
    return tally


def child_stats() -> dict:
    from scanprops import isolation

    return isolation.executor().compile_stats() or {}


# --- the harness, instrumented ------------------------------------------------------------------------
@contextlib.contextmanager
def instrumented(tally):
    """Time the seam's calls, the oracle and the allowances; count the examples each property checks."""
    from scanprops import expect
    from scanprops.props import checking

    originals = {"value": expect.value, "grad": expect.grad, "check": checking.hypothesis_check}

    def timed_oracle(original):
        def wrapper(*a, **k):
            before = tally.take(reset=False)["compile_s"]
            start = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                if CURRENT:
                    CURRENT[-1].oracle_wall += time.perf_counter() - start
                    CURRENT[-1].oracle_compile += tally.take(reset=False)["compile_s"] - before
        return wrapper

    def counting_check(strategy, check, *a, **k):
        def counted(drawn):
            if CURRENT:
                CURRENT[-1].examples += 1
            return check(drawn)
        return originals["check"](strategy, counted, *a, **k)

    expect.value = timed_oracle(originals["value"])
    expect.grad = timed_oracle(originals["grad"])
    checking.hypothesis_check = counting_check
    try:
        yield
    finally:
        expect.value, expect.grad, checking.hypothesis_check = originals["value"], originals["grad"], originals["check"]


@contextlib.contextmanager
def timed_allowance(problem, tally):
    original = problem.allowance

    def allowance(case):
        before = tally.take(reset=False)["compile_s"]
        start = time.perf_counter()
        try:
            return original(case)
        finally:
            CURRENT[-1].budget_wall += time.perf_counter() - start
            CURRENT[-1].budget_compile += tally.take(reset=False)["compile_s"] - before

    object.__setattr__(problem, "allowance", allowance)  # a frozen dataclass: the benchmark's own patch
    try:
        yield
    finally:
        object.__setattr__(problem, "allowance", original)


def timed_seam_class():
    from scanprops.seam import Plain, Seam

    class TimedSeam(Seam):
        def run(self, problem, case, how=Plain()):
            if CURRENT:
                CURRENT[-1].shapes.add(signature(problem, case))
            start = time.perf_counter()
            try:
                return super().run(problem, case, how)
            finally:
                if CURRENT:
                    CURRENT[-1].cut_wall += time.perf_counter() - start

    return TimedSeam


def measure_harness(problem, family: str, seam, tally) -> Measure:
    from scanprops.failure import PropertyFailure
    from scanprops.isolation import SubmissionError
    from scanprops.props.registry import BY_NAME as FAMILIES

    m = Measure(problem.name, family)
    child_stats()  # reset the child's tallies
    parent_before = tally.take(reset=False)
    CURRENT.append(m)
    start = time.perf_counter()
    try:
        with timed_allowance(problem, tally):
            FAMILIES[family].check(problem, seam)
    except PropertyFailure:
        m.verdict = "FAIL"
    except SubmissionError:
        m.verdict = "ERROR"
    finally:
        m.total_s = time.perf_counter() - start
        CURRENT.pop()
    child = child_stats()
    parent = tally.take(reset=False)
    parent_compile = parent["compile_s"] - parent_before["compile_s"]
    m.compiles = child.get("compiles", 0) + parent["compiles"] - parent_before["compiles"]
    m.hits = child.get("cache_hits", 0) + parent["cache_hits"] - parent_before["cache_hits"]
    m.compile_s = child.get("compile_s", 0.0) + parent_compile
    m.judge_compile_s = parent_compile
    for name in ("trace_s", "lower_s", "backend_s"):
        setattr(m, name, child.get(name, 0.0) + parent[name] - parent_before[name])
    m.run_s = max(m.cut_wall - child.get("compile_s", 0.0), 0.0)
    m.oracle_s = m.oracle_wall - m.oracle_compile
    m.budget_s = m.budget_wall - m.budget_compile
    m.rest_s = m.total_s - m.compile_s - m.run_s - m.oracle_s - m.budget_s
    return m


# --- the naive baseline: a plain Hypothesis test, as a first attempt --------------------------------
@contextlib.contextmanager
def free_sizes():
    """Sizes drawn freely from the same ranges as the pools (integers, smallest to largest size),
    axis by axis, and any int32 seed for the Flax rows: as a first attempt draws them."""
    from hypothesis import strategies as st

    from scanprops.strategies import pools

    saved = (pools.Axis.sizes, pools.Signatures.draw)

    def sizes(self):
        return st.integers(min(self.small + self.odd), self.big())

    def signatures(self):
        return st.tuples(*[st.integers(0, 2**31 - 1) if axis is None else sizes(axis) for axis in self.axes])

    pools.Axis.sizes, pools.Signatures.draw = sizes, signatures
    try:
        yield
    finally:
        pools.Axis.sizes, pools.Signatures.draw = saved


def load_impl(spec: str):
    """The implementation, imported into this process (the naive test calls it directly)."""
    from scanprops import loading

    if loading.looks_like_path(spec):
        module_spec = importlib.util.spec_from_file_location("naive_impl", spec)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        return module
    return importlib.import_module(spec)


def naive_test(problem, family: str, fn, examples: int):
    """(strategy, check) for the naive version of `family` on `problem`; check returns the number
    of comparisons that failed the fixed tolerance."""
    import jax
    import jax.numpy as jnp

    from scanprops import expect
    from scanprops.child.calls import jaxpr_stats
    from scanprops.props import checking, families

    def static_of(case):
        return tuple(i for i, n in enumerate(case.names) if n in problem.static)

    def args_of(case):
        return [v if n in problem.static else jax.tree_util.tree_map(jnp.asarray, v) for n, v in case.args]

    def close(actual, expected) -> int:
        bad = 0
        for a, e in zip(jax.tree_util.tree_leaves(actual), jax.tree_util.tree_leaves(expected)):
            try:
                np.testing.assert_allclose(np.asarray(a, np.float64), np.asarray(e, np.float64),
                                           rtol=NAIVE_RTOL, atol=NAIVE_ATOL)
            except AssertionError:
                bad += 1
        return bad

    cases = problem.cases()
    if family in ("oracle", "pre_update"):
        def check(case):
            out = fn(*args_of(case))
            return close(checking.defined(problem, out), checking.defined(problem, expect.value(problem, case)))
    elif family == "shape":
        def check(case):
            out = checking.leaves(fn(*args_of(case)))
            want = problem.out(case)
            want = list(want) if isinstance(want, tuple) else [want]
            return int([(tuple(np.shape(a)), str(a.dtype)) for a in out] != [(w.shape, w.dtype) for w in want])
    elif family == "jit":
        def check(case):
            a = args_of(case)
            return close(jax.jit(fn, static_argnums=static_of(case))(*a), fn(*a))
    elif family == "grad":
        def check(case):
            a = args_of(case)
            cot = jnp.asarray(expect.cotangent_for(problem.out(case).shape))
            ks = [case.names.index(w) for w in problem.differentiable]

            def scalar(*xs):
                call = list(a)
                for k, x in zip(ks, xs):
                    call[k] = x
                return jnp.vdot(cot, fn(*call))

            got = jax.grad(scalar, argnums=tuple(range(len(ks))))(*[a[k] for k in ks])
            return close(got, expect.grad(problem, case, problem.differentiable, np.asarray(cot)))
    elif family == "vmap":
        cases = families.vmap_batches(problem)

        def check(batch):
            singles = [fn(*args_of(c)) for c in batch]
            mapped = [i for i, n in enumerate(batch[0].names) if n not in problem.static]
            stacked = [jax.tree_util.tree_map(lambda *xs: jnp.stack([jnp.asarray(x) for x in xs]),
                                              *[c.values[i] for c in batch]) for i in mapped]
            first = args_of(batch[0])

            def one(*vs):
                call = list(first)
                for i, v in zip(mapped, vs):
                    call[i] = v
                return fn(*call)

            got = jax.vmap(one)(*stacked)
            return sum(close(jax.tree_util.tree_map(lambda g: g[i], got), s) for i, s in enumerate(singles))
    elif family == "devices":
        def check(case):
            outs = []
            for device in jax.devices():
                a = [v if i in static_of(case) else jax.device_put(v, device) for i, v in enumerate(args_of(case))]
                outs.append(fn(*a))
            return sum(int(not all(np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True)
                                   for x, y in zip(checking.leaves(o), checking.leaves(outs[0])))) for o in outs[1:])
    elif family == "structure":
        cases = families.length_pairs(problem)

        def check(pair):
            stats = []
            for case in pair:
                a = args_of(case)
                dyn = [i for i in range(len(a)) if i not in static_of(case)]

                def traced(*vs):
                    call = list(a)
                    for i, v in zip(dyn, vs):
                        call[i] = v
                    return fn(*call)

                stats.append(jaxpr_stats(jax.make_jaxpr(traced)(*[a[i] for i in dyn])))
            return int(stats[0][1] != stats[1][1] or not stats[0][2])
    elif family == "termination":
        cases = problem.stress() if problem.stress is not None else problem.cases()

        def check(case):
            out = fn(*args_of(case))
            return int(not all(np.all(np.isfinite(np.asarray(x))) for x in checking.leaves(out)))
    else:
        raise ValueError(family)
    return cases, check


def measure_naive(m: Measure, problem, fn, tally) -> None:
    from hypothesis import HealthCheck, given, settings

    with free_sizes():
        strategy, check = naive_test(problem, m.family, fn, m.examples)

        @settings(max_examples=max(m.examples, 1), derandomize=True, database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def test(drawn):
            m.naive_examples += 1
            cases = drawn if isinstance(drawn, tuple) else (drawn,)
            for case in cases:
                m.naive_shapes.add(signature(problem, case))
            m.naive_fails += check(drawn)

        before = tally.take(reset=False)["compiles"]
        start = time.perf_counter()
        try:
            test()
        except Exception as exc:  # noqa: BLE001  (the naive test itself broke: say so, go on)
            m.naive_error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
        m.naive_s = time.perf_counter() - start
        m.naive_compiles = tally.take(reset=False)["compiles"] - before


def clear_process_caches() -> None:
    """This process's JAX caches and the oracle's memos, so the naive side pays its own way."""
    import jax

    from scanprops import expect
    from scanprops.oracles import flax_seeds

    jax.clear_caches()
    expect.forget()
    for cached in vars(flax_seeds).values():
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    for name in ("_VALUES",):  # memo of oracle values, where this version has one
        memo = getattr(expect, name, None)
        if hasattr(memo, "clear"):
            memo.clear()


# --- output -------------------------------------------------------------------------------------------
def rate(examples: int, seconds: float) -> float:
    return examples / seconds if seconds > 0 else float("nan")


def cells(m: Measure, naive: bool) -> list[str]:
    out = [m.function, m.family, m.verdict, str(m.examples), str(len(m.shapes)), str(m.compiles), str(m.hits),
           f"{m.compile_s:.2f}", f"{m.judge_compile_s:.2f}", f"{m.run_s:.2f}", f"{m.oracle_s:.2f}", f"{m.budget_s:.2f}",
           f"{m.rest_s:.2f}",
           f"{m.total_s:.2f}", f"{rate(m.examples, m.total_s):.1f}"]
    if naive:
        speed = rate(m.examples, m.total_s) / rate(m.naive_examples, m.naive_s) if m.naive_examples else float("nan")
        fails = str(m.naive_fails) + (f" ({m.naive_error[:60]})" if m.naive_error else "")
        out += [str(m.naive_examples), str(len(m.naive_shapes)), str(m.naive_compiles), f"{m.naive_s:.2f}",
                f"{rate(m.naive_examples, m.naive_s):.1f}", fails, f"{speed:.1f}x" if not m.naive_error else "-"]
    return out


def totals(measures: list[Measure], label: str, naive: bool) -> Measure:
    t = Measure(label, "", verdict="")
    for m in measures:
        t.examples += m.examples
        t.shapes |= {(m.function, m.family, s) for s in m.shapes}
        t.naive_shapes |= {(m.function, m.family, s) for s in m.naive_shapes}
        for name in ("compiles", "hits", "compile_s", "judge_compile_s", "trace_s", "lower_s", "backend_s", "run_s",
                     "oracle_s", "budget_s", "rest_s", "total_s",
                     "naive_examples", "naive_compiles", "naive_s", "naive_fails"):
            setattr(t, name, getattr(t, name) + getattr(m, name))
    broke = [m for m in measures if m.naive_error]
    if naive and broke:  # the totals leave the broken ones out of the naive side's rate
        t.naive_error = f"{len(broke)} naive tests broke"
        t.naive_examples -= sum(m.naive_examples for m in broke)
        t.naive_s -= sum(m.naive_s for m in broke)
    return t


def table(measures: list[Measure], naive: bool, markdown: bool) -> str:
    columns = COLUMNS if naive else COLUMNS[: COLUMNS.index("naive ex")]
    rows = [cells(m, naive) for m in measures]
    rows.append(cells(totals(measures, "TOTAL", naive), naive))
    if markdown:
        lines = ["| " + " | ".join(columns) + " |",
                 "|" + "|".join("---" if i < 3 else "---:" for i in range(len(columns))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]
    fmt = lambda r: "  ".join(v.ljust(w) if i < 3 else v.rjust(w) for i, (v, w) in enumerate(zip(r, widths)))  # noqa: E731
    lines = [fmt(list(columns)), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows[:-1]]
    return "\n".join(lines + [fmt(["-" * w for w in widths]), fmt(rows[-1])])


def by_property(measures: list[Measure], naive: bool, markdown: bool) -> str:
    """The totals of each property over the rows: which transformation costs what."""
    order = list(dict.fromkeys(m.family for m in measures))
    merged = []
    for family in order:
        t = totals([m for m in measures if m.family == family], "(all rows)", naive)
        t.family, t.verdict = family, ""
        merged.append(t)
    merged.sort(key=lambda t: -t.total_s)
    return table(merged, naive, markdown)


def machine() -> str:
    import platform

    import jax

    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    return (f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
            f"Python {platform.python_version()}, jax {jax.__version__}, "
            f"{len(jax.devices())} {jax.default_backend()} devices")


# --- main ---------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=__doc__.split("\n\n")[0])
    parser.add_argument("--impl", default="impls.reference", help="implementation (a .py path or a dotted name)")
    parser.add_argument("--rows", default="", help="catalog functions, comma-separated (default: all)")
    parser.add_argument("--families", default="", help="properties, comma-separated (default: all that apply)")
    parser.add_argument("--profile", default="default", help="Hypothesis profile (default, ci, thorough)")
    parser.add_argument("--compile-cache", default="off", metavar="off|DIR",
                        help="JAX's persistent compilation cache folder (default: off)")
    parser.add_argument("--cpu-devices", type=int, default=4, help="forced CPU devices, as the plugin (default 4)")
    parser.add_argument("--no-naive", action="store_true", help="leave out the naive baseline")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)

    tally = setup(args)
    from scanprops import isolation, loading
    from scanprops.catalog import CATALOG
    from scanprops.props import registry

    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    fams = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = set(rows) - {p.name for p in CATALOG}
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")
    problems = [p for p in CATALOG if not rows or p.name in rows]
    spec = loading.resolve(args.impl, Path.cwd())
    seam = timed_seam_class()(isolation.module_ref(spec, args.impl), args.impl)

    print(f"# {machine()}", flush=True)
    start = time.perf_counter()
    seam.provides(problems[0].name)  # start the child and import the implementation
    startup = time.perf_counter() - start
    child_stats()
    print(f"# child start and import: {startup:.2f} s; profile {args.profile}; compile cache {args.compile_cache}",
          flush=True)

    measures: list[Measure] = []
    with instrumented(tally):
        for problem in problems:
            if not seam.provides(problem.name):
                print(f"# {problem.name}: not provided by {args.impl}", flush=True)
                continue
            for family in registry.families_of(problem):
                if fams and family not in fams:
                    continue
                m = measure_harness(problem, family, seam, tally)
                measures.append(m)
                print(f"#   {problem.name} {family}: {m.verdict}, {m.examples} examples in {m.total_s:.2f} s",
                      flush=True)
    harness_s = time.perf_counter() - start
    isolation.close()

    naive = not args.no_naive
    if naive:
        clear_process_caches()
        impl = load_impl(spec)
        for m in measures:
            problem = next(p for p in problems if p.name == m.function)
            measure_naive(m, problem, getattr(impl, m.function), tally)
            print(f"#   naive {m.function} {m.family}: {m.naive_examples} examples in {m.naive_s:.2f} s"
                  + (f" ({m.naive_error})" if m.naive_error else ""), flush=True)

    print()
    print(table(measures, naive, args.markdown))
    print()
    print("By property, over the rows:")
    print(by_property(measures, naive, args.markdown))
    print()
    total = totals(measures, "", naive)
    print(f"harness: {total.examples} examples in {harness_s:.1f} s (child start {startup:.1f} s included), "
          f"{rate(total.examples, harness_s):.2f} examples/s")
    print(f"compiling: {total.compiles} backend compiles, {total.hits} of them loads from the persistent cache; "
          f"JAX's events: tracing {total.trace_s:.1f} s, lowering {total.lower_s:.1f} s, "
          f"backend {total.backend_s:.1f} s "
          f"(nested events overlap; their union is the {total.compile_s:.1f} s of `compile s`)")
    if naive and total.naive_examples:
        print(f"naive:   {total.naive_examples} examples in {total.naive_s:.1f} s, "
              f"{rate(total.naive_examples, total.naive_s):.2f} examples/s; harness / naive = "
              f"{rate(total.examples, harness_s) / rate(total.naive_examples, total.naive_s):.1f}x")
    print(f"# {machine()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
