"""`scanprops grade` and `scanprops merge`: many submissions, one table, and per submission the
JSON report and the result files course platforms read.

Each submission runs in its own pytest process (runner.run_isolated), with the untrusted-code
isolation and time budget of any `--impl` run, several at once. A submission already graded with
the same harness, environment, settings and file content is not run again; its result files are
rewritten from its stored report, so a changed points file needs no regrading.
"""
from __future__ import annotations

import csv
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from scanprops import confinement, isolation, jsonfile, packs, profiles, report, submissions
from scanprops.catalog import function_names
from scanprops.runner import GRACE_S, catalog_specs, pytest_args, run_isolated

# A run of one submission holds a pytest process and a sandboxed child, each with JAX loaded:
# about 1.5 GB together at the catalog's large sizes, so memory as well as cores bounds `--jobs`.
MEMORY_PER_RUN_GB = 3


@dataclass
class Graded:
    name: str
    module: str
    verdict: str
    score: float
    max_score: float
    seconds: float
    functions: dict = field(default_factory=dict)  # function -> verdict
    cached: bool = False
    error: str = ""

    def row(self) -> dict:
        return {"submission": self.name, "module": self.module, "verdict": self.verdict, "score": self.score,
                "max_score": self.max_score, "seconds": round(self.seconds, 1), "functions": self.functions,
                "cached": self.cached, "error": self.error}


def default_jobs() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gb = MEMORY_PER_RUN_GB * cores
    return max(1, min(cores, int(memory_gb // MEMORY_PER_RUN_GB)))


def run_rows(args) -> packs.Rows:
    """The rows this grading run verifies: the built-in ones and the packs --catalog names."""
    return packs.load(catalog_specs(getattr(args, "catalog", None)), only=getattr(args, "catalog_only", False))


def _key(sub: submissions.Submission, harness: str, args, functions, rows: packs.Rows) -> dict:
    """What a stored grade depends on; any change regrades (points do not: the result files are
    rewritten from the stored report every time). A pack's files count: a changed oracle regrades."""
    return {"harness": harness, "environment": report.versions(), "sha256": sub.digest(),
            "catalogs": {p.name: p.digest() for p in rows.packs}, "catalog_only": getattr(args, "catalog_only", False),
            "functions": sorted(functions or []), "profile": args.profile or "", "time_budget": args.time_budget,
            "require_sandbox": getattr(args, "require_sandbox", None) or ""}


def _failed_run(sub: submissions.Submission, why: str, rows: packs.Rows) -> dict:
    return report.build(str(sub.module), rows.names, {}, set(rows.names), report.versions(), error=why)


def grade_one(sub: submissions.Submission, folder: Path, harness: str, args,
              functions: list[str] | None, rows: packs.Rows | None = None) -> tuple[dict, float, bool]:
    """The submission's JSON report, the seconds its run took, and whether it was stored already.
    `functions`: the catalog functions to verify (None: all); `rows`: the run's rows (run_rows)."""
    rows = run_rows(args) if rows is None else rows
    folder.mkdir(parents=True, exist_ok=True)
    key = _key(sub, harness, args, functions, rows)
    if not args.force and submissions.already_graded(folder, key):
        stamp = json.loads((folder / "graded.json").read_text())
        return json.loads((folder / "report.json").read_text()), stamp.get("seconds", 0.0), True
    for stale in ("graded.json", "report.json"):
        (folder / stale).unlink(missing_ok=True)
    budget = args.time_budget if args.time_budget is not None else profiles.time_budget_s(profiles.chosen(args.profile))
    required = getattr(args, "require_sandbox", None)
    run = run_isolated(pytest_args(str(sub.module), report=str(folder / "report.json"), jobs=0,
                                   functions=functions, time_budget=budget, profile=args.profile,
                                   extra=("--require-sandbox", required) if required else (),
                                   cache_key="submission",  # a submission never loads what another wrote
                                   catalogs=catalog_specs(getattr(args, "catalog", None)),
                                   catalog_only=getattr(args, "catalog_only", False)),
                       folder / "log.txt", deadline_s=budget + GRACE_S)
    try:
        found = json.loads((folder / "report.json").read_text())
    except (OSError, ValueError):
        why = (f"the run was stopped after {run.seconds:.0f} s (time budget {budget:g} s)" if run.killed else
               f"the run ended with exit status {run.status} and wrote no report")
        found = _failed_run(sub, f"{why}; see log.txt", rows)
        report.write(folder / "report.json", found)
    jsonfile.write(folder / "graded.json", {**key, "seconds": round(run.seconds, 1)})
    return found, run.seconds, False


def sandbox_unmet(required: str | None) -> str | None:
    """Why this machine cannot give the children the kernel layers --require-sandbox names (None:
    it can). Each child checks again when it starts, and refuses to run code under test without
    them; this is the early answer, before a class is queued."""
    names = isolation.required_layers(required or "")
    offered = confinement.probe()
    missing = [f"{n}: {offered[n]}" for n in names
               if not confinement.applied(offered.get(n))]
    if not missing:
        return None
    return (f"--require-sandbox {required}: this machine cannot apply {'; '.join(missing)}. The kernel's layers "
            "are described in scanprops/confinement.py and the README's threat model; grade where they are "
            "available, or require fewer.")


def plan(args, rows: packs.Rows | None = None):
    """The grading plan and the functions to verify: those the plan gives points, narrowed by
    --functions. A function worth nothing is not run at all. `rows`: the run's rows (run_rows)."""
    from scanprops import points

    rows = run_rows(args) if rows is None else rows
    config = points.load(args.config, catalog=rows.rows)
    if args.functions:
        try:
            names = function_names(args.functions, rows.rows)
        except ValueError as exc:
            raise points.ConfigError("--functions", args.functions, str(exc).removeprefix("--functions: ")) from None
        config = config.only(names)
    graded = [f.name for f in config.graded]
    if not graded:
        raise points.ConfigError(config.source, "points", "no function is worth any points; nothing to grade")
    return config, (graded if len(graded) < len(rows.rows) else None)


def write_results(found: dict, folder: Path, config, seconds: float) -> tuple[float, float]:
    """The platforms' result files beside the report; returns (score, max score)."""
    from scanprops.results import save
    from scanprops.results.platforms import PLATFORMS
    from scanprops.results.scoring import grade

    for platform in PLATFORMS:
        save(folder / f"{platform.name}.json", platform.results(found, config, seconds))
    graded = grade(found, config)
    return graded.score, graded.max_score


def _summary(sub, found, seconds, cached, score, config) -> Graded:
    """One row of the table: a verdict per graded function (`error` for all of them when the
    module could not be verified at all)."""
    verdicts = {}
    for fn in config.graded:
        verdict = found["problems"].get(fn.name, {}).get("verdict", "skipped")
        verdicts[fn.name] = "error" if found.get("error") and verdict in ("skipped", "missing") else verdict
    error = found.get("error", "").replace(str(sub.module), sub.name)
    return Graded(sub.name, str(sub.module), found["verdict"], score[0], score[1], seconds, verdicts, cached, error)


def write_tables(rows: list[Graded], out: Path, harness: str) -> None:
    functions = list(dict.fromkeys(f for r in rows for f in r.functions))
    jsonfile.write(out / "grades.json", {"harness": harness, "submissions": [r.row() for r in rows]})
    with open(out / "grades.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["submission", "verdict", "score", "max_score", "seconds", *functions])
        for r in rows:
            writer.writerow([r.name, r.verdict, f"{r.score:g}", f"{r.max_score:g}", f"{r.seconds:.1f}",
                             *(r.functions.get(f, "") for f in functions)])


def show_table(rows: list[Graded], console) -> None:
    from rich.table import Table

    table = Table(title=f"{len(rows)} submission(s)")
    for column, justify in (("submission", "left"), ("verdict", "left"), ("score", "right"),
                            ("passed", "right"), ("not passed, or why not graded", "left"), ("s", "right")):
        table.add_column(column, justify=justify)
    for r in rows:
        passed = sum(v == "pass" for v in r.functions.values())
        bad = ", ".join(f"{n} ({v})" for n, v in r.functions.items() if v != "pass")
        why = r.error.splitlines()[0][:80] if r.error else bad
        table.add_row(r.name, r.verdict, f"{r.score:g}/{r.max_score:g}", f"{passed}/{len(r.functions)}",
                      why, f"{r.seconds:.0f}" + (" (stored)" if r.cached else ""))
    console.print(table)


def main(args) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from scanprops import points

    console = Console(stderr=True)
    try:
        found = submissions.discover(args.submissions, args.module)
        if args.shard:
            index, count = submissions.parse_shard(args.shard)
            found = [s for s in found if submissions.in_shard(s, index, count)]
        catalog = run_rows(args)
        config, functions = plan(args, catalog)
        unmet = sandbox_unmet(args.require_sandbox)
    except (submissions.SubmissionsError, points.ConfigError, packs.PackError, ValueError) as exc:
        print(f"scanprops grade: {exc}", file=sys.stderr)
        return 4
    if unmet:
        print(f"scanprops grade: not grading: {unmet}", file=sys.stderr)
        return 4
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    harness = submissions.fingerprint()
    jobs = args.jobs or default_jobs()
    rows: list[Graded] = []
    start = time.monotonic()
    with Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("grading", total=len(found))
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = {pool.submit(grade_one, s, out / s.name, harness, args, functions, catalog): s for s in found}
            for future in as_completed(futures):
                sub = futures[future]
                result, seconds, cached = future.result()
                score = write_results(result, out / sub.name, config, seconds)
                rows.append(_summary(sub, result, seconds, cached, score, config))
                progress.console.print(f"  {sub.name}: {result['verdict']}, {score[0]:g}/{score[1]:g}"
                                       + (" (stored)" if cached else f" in {seconds:.0f} s"))
                progress.advance(task)
    rows.sort(key=lambda r: r.name)
    write_tables(rows, out, harness)
    if getattr(args, "html", False):
        write_pages(rows, out)
    show_table(rows, Console())
    print(f"{len(rows)} graded ({sum(r.cached for r in rows)} stored) in {time.monotonic() - start:.0f} s "
          f"with {jobs} at once; tables: {out / 'grades.csv'}, {out / 'grades.json'}")
    return 0


def write_pages(rows: list, out: Path) -> None:
    """`--html`: each submission's report page (NAME/report.html) and an index linking them."""
    from scanprops.results import page

    linked = []
    for row in rows:
        folder = out / row.name
        try:
            found = json.loads((folder / "report.json").read_text())
        except (OSError, ValueError):
            continue
        page.write(folder / "report.html", page.render(found, title=row.name))
        linked.append((row.name, row.verdict, f"{row.name}/report.html"))
    page.write(out / "index.html", page.index(linked))


def merge_main(args) -> int:
    from rich.console import Console

    rows, harnesses = {}, set()
    for folder in args.folders:
        path = Path(folder) / "grades.json"
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            print(f"scanprops merge: {path}: {exc}", file=sys.stderr)
            return 4
        harnesses.add(data.get("harness", ""))
        for row in data["submissions"]:
            if row["submission"] in rows:
                print(f"scanprops merge: {row['submission']} is in more than one folder; keeping {folder}'s",
                      file=sys.stderr)
            rows[row["submission"]] = Graded(row["submission"], row["module"], row["verdict"], row["score"],
                                             row["max_score"], row["seconds"], row["functions"], row["cached"],
                                             row.get("error", ""))
    if len(harnesses) > 1:
        print(f"scanprops merge: the folders were graded by different harnesses: {', '.join(sorted(harnesses))}",
              file=sys.stderr)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    merged = sorted(rows.values(), key=lambda r: r.name)
    write_tables(merged, out, ", ".join(sorted(harnesses)))
    show_table(merged, Console())
    return 0
