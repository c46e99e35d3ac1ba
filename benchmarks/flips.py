"""The flip hunt: correct implementations under fresh random draws, where every failure is a
false alarm. Runs the reference and every `impls/alt/` module, row by row and property by
property, with the `thorough` profile's sizes and N fresh Hypothesis seeds, and prints per row and
property the examples run and the false alarms found, each with its seed and input, so that

    pytest --impl impls/reference.py --hypothesis-profile thorough --hypothesis-seed SEED -k ROW

replays it through the harness proper.

    python -m benchmarks.flips [--seeds 10] [--first-seed 1] [--examples 200] [-k ROW]
                               [--families oracle,grad] [--modules impls.reference,impls.alt.x]
                               [--jobs 2 | --shard I/N] [--json FILE]

The work (module, row) is split over `--jobs` processes (default: the CPU count), or run as one
shard of N with `--shard` (one machine of several, as `scanprops grade --shard` does). Calls run
in this process, as in benchmarks/tolerance_headroom.py: the hunt is about tolerances and
strategies, and the code it runs is the harness's own. Nothing here retries: a failure counts.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scanprops import devices

devices.force_cpu_devices(4)

import hypothesis  # noqa: E402
from hypothesis import settings  # noqa: E402

from scanprops import profiles  # noqa: E402,F401  (registers the profiles)
from scanprops.catalog import CATALOG  # noqa: E402
from scanprops.failure import PropertyFailure  # noqa: E402
from scanprops.props import checking, registry  # noqa: E402
from scanprops.seam import Seam  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def correct_modules() -> list[str]:
    import impls.alt

    return ["impls.reference"] + [f"impls.alt.{m.name}" for m in pkgutil.iter_modules(impls.alt.__path__)
                                  if not m.name.startswith("_")]


def work(modules: list[str], k: str) -> list[tuple[str, str]]:
    """(module, row) pairs: every catalog row each module defines (whose name holds `k`)."""
    out = []
    for name in modules:
        module = importlib.import_module(name)
        out += [(name, p.name) for p in CATALOG if k in p.name and callable(getattr(module, p.name, None))]
    return out


def hunt(pairs: list[tuple[str, str]], seeds: list[int], examples: int, family_names: list[str]) -> list[dict]:
    """Run every property of every pair under each seed; one record per (pair, property, seed)."""
    # thorough's sizes (the large axes read the profile's name) at the examples asked for
    settings.register_profile("thorough", parent=settings.get_profile("thorough"), max_examples=examples)
    settings.load_profile("thorough")
    current: dict = {}
    real_given, real_check = checking.given, checking.hypothesis_check

    def seeded_given(*args, **kwargs):
        return lambda f: hypothesis.seed(current["seed"])(real_given(*args, **kwargs)(f))

    def counting_check(strategy, check, *args, **kwargs):
        def counted(drawn):
            current["examples"] += 1
            return check(drawn)
        return real_check(strategy, counted, *args, **kwargs)

    checking.given, checking.hypothesis_check = seeded_given, counting_check
    by_name = {p.name: p for p in CATALOG}
    records = []
    for module_name, row in pairs:
        seam = Seam(importlib.import_module(module_name), module_name)
        problem = by_name[row]
        for family in registry.families_of(problem):
            if family not in family_names:
                continue
            for seed in seeds:
                current.update(seed=seed, examples=0)
                start = time.perf_counter()
                failure = ""
                try:
                    registry.BY_NAME[family].check(problem, seam)
                except PropertyFailure as exc:
                    failure = exc.text
                except Exception as exc:  # noqa: BLE001  (anything else is a false alarm too, said as it is)
                    failure = f"{type(exc).__name__}: {exc}"
                records.append(dict(module=module_name, row=row, family=family, seed=seed,
                                    examples=current["examples"], seconds=time.perf_counter() - start,
                                    failure=failure))
                print(f"{'FALSE ALARM' if failure else 'ok':<11} {module_name:<40} {row:<20} {family:<11} "
                      f"seed {seed:<4} {current['examples']:>4} examples {records[-1]['seconds']:>6.1f} s"
                      + ("\n" + failure[:2000] if failure else ""), flush=True)
    return records


def table(records: list[dict]) -> str:
    """Per row and property: modules, seeds, examples run, false alarms."""
    rows: dict[tuple[str, str], dict] = {}
    for r in records:
        t = rows.setdefault((r["row"], r["family"]), dict(modules=set(), seeds=set(), examples=0, alarms=0, s=0.0))
        t["modules"].add(r["module"])
        t["seeds"].add(r["seed"])
        t["examples"] += r["examples"]
        t["alarms"] += bool(r["failure"])
        t["s"] += r["seconds"]
    lines = ["| row | property | modules | seeds | examples | false alarms | seconds |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for (row, family), t in sorted(rows.items()):
        lines.append(f"| {row} | {family} | {len(t['modules'])} | {len(t['seeds'])} | {t['examples']} | "
                     f"{t['alarms']} | {t['s']:.0f} |")
    alarms = [r for r in records if r["failure"]]
    lines.append("")
    lines.append(f"{sum(r['examples'] for r in records)} examples, {len(alarms)} false alarms")
    for r in alarms:
        lines += ["", f"- {r['module']} {r['row']} `{r['family']}`, seed {r['seed']}:", "", "```",
                  r["failure"][:3000], "```"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--examples", type=int, default=200, help="drawn inputs per property and seed")
    parser.add_argument("-k", default="", help="only rows whose name contains this")
    parser.add_argument("--families", default="oracle,shape,pre_update,jit,grad,vmap,devices,structure,termination")
    parser.add_argument("--modules", default="", help="comma-separated (default: the reference and impls/alt)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--shard", default="", help="I/N: run the I-th of N parts (1-based) in this process")
    parser.add_argument("--json", default="", help="write the records here")
    args = parser.parse_args()
    modules = args.modules.split(",") if args.modules else correct_modules()
    pairs = work(modules, args.k)
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    start = time.perf_counter()
    if args.shard or args.jobs <= 1:
        i, n = (int(x) for x in args.shard.split("/")) if args.shard else (1, 1)
        records = hunt(pairs[i - 1::n], seeds, args.examples, args.families.split(","))
    else:
        records = []
        with tempfile.TemporaryDirectory() as folder:
            outs = [Path(folder) / f"shard{i}.json" for i in range(1, args.jobs + 1)]
            base = [sys.executable, "-m", "benchmarks.flips", "--seeds", str(args.seeds), "--first-seed",
                    str(args.first_seed), "--examples", str(args.examples), "-k", args.k,
                    "--families", args.families, "--modules", ",".join(modules)]
            procs = [subprocess.Popen(base + ["--shard", f"{i}/{args.jobs}", "--json", str(out)], cwd=ROOT)
                     for i, out in enumerate(outs, 1)]
            for proc in procs:
                proc.wait()
            for out in outs:
                records += json.loads(out.read_text()) if out.exists() else []
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=1))
    if not args.shard:
        print(f"\n{len(seeds)} seeds ({seeds[0]}..{seeds[-1]}), {args.examples} examples per property and seed, "
              f"{len(pairs)} (module, row) pairs, {time.perf_counter() - start:.0f} s\n")
        print(table(records))


if __name__ == "__main__":
    main()
