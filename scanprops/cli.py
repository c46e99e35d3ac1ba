"""The `scanprops` command: `check` for a learner, `grade` and `merge` for a course grader,
`<platform>-bundle` for the platforms that run the harness themselves, `new-problem` for a course's
own exercises (see README.md)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scanprops import profiles
from scanprops.results.platforms import bundled


def check(args) -> int:
    """Verify one module, as `pytest -n auto --impl FILE` does in the repository."""

    from scanprops import packs
    from scanprops.catalog import function_names
    from scanprops.runner import catalog_specs, pytest_args

    module = Path(args.file)
    if not module.is_file():
        hint = " (it is a folder; name the .py file)" if module.is_dir() else ""
        print(f"scanprops check: {args.file}: no such file{hint}", file=sys.stderr)
        return 4
    catalogs = catalog_specs(args.catalog)
    try:
        functions = function_names(args.functions, packs.load(catalogs, only=args.catalog_only).rows)
    except (ValueError, packs.PackError) as exc:
        print(f"scanprops check: {exc}", file=sys.stderr)
        return 4
    import json
    import tempfile

    from scanprops import console

    extra = tuple(["-k", args.k] if args.k else ()) + (
        ("--require-sandbox", args.require_sandbox) if args.require_sandbox else ())
    if args.watch:
        from scanprops import watch

        return watch.main(file=str(module), functions=functions, report_path=args.report,
                          profile=args.profile, time_budget=args.time_budget, extra=extra, catalogs=catalogs,
                          catalog_only=args.catalog_only)
    with tempfile.TemporaryDirectory(prefix="scanprops-check-") as scratch:
        report = args.report or (str(Path(scratch) / "report.json") if args.html else None)
        status = console.run(pytest_args(str(module.resolve()), report=report, repro=args.repro, jobs=args.jobs,
                                         functions=functions, time_budget=args.time_budget,
                                         profile=args.profile, quiet=True, extra=extra, catalogs=catalogs,
                                         catalog_only=args.catalog_only), verbose=args.verbose)
        if args.html and report and Path(report).is_file():
            from scanprops.results import page

            written = page.write(args.html, page.render(json.loads(Path(report).read_text()), title=args.file))
            print(f"report page: {written}")
    return status


def grade(args) -> int:
    from scanprops import grading

    return grading.main(args)


def merge(args) -> int:
    from scanprops import grading

    return grading.merge_main(args)


def new_problem(args) -> int:
    from scanprops import scaffold

    return scaffold.main(args)


def bundle(args) -> int:
    from scanprops import bundles

    return bundles.main(args)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="scanprops", description=__doc__.split("\n")[0])
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p):
        p.add_argument("--functions", metavar="NAME,...", help="only these catalog functions (default: all)")
        p.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                       help=f"wall-clock budget for one module's run (default {profiles.BUDGET_AT_10_S:g}, "
                       f"{profiles.time_budget_s('thorough'):g} under `thorough`)")
        p.add_argument("--profile", choices=("default", "ci", "thorough"), default=None,
                       help="Hypothesis profile (default: `default`, or `ci` when $CI is set)")
        p.add_argument("--require-sandbox", default=None, metavar="LAYER,...",
                       help="refuse to run code under test without these kernel layers: landlock, seccomp, "
                       "netns, subreaper (see the README's threat model)")
        p.add_argument("--catalog", action="append", default=[], metavar="PATH_OR_MODULE",
                       help="also verify the rows of this problem pack (a folder with __init__.py defining ROWS, "
                       "a package's dotted name, or an installed pack's name; repeatable; docs/problem-packs.md)")
        p.add_argument("--catalog-only", action="store_true",
                       help="only the rows of the packs --catalog names (not the built-in ones)")

    p = sub.add_parser("check", help="verify one module (a learner's run)",
                       description="Verify FILE against the catalog: the same run as `pytest -n auto --impl FILE`. "
                       "Functions FILE does not define are left out and reported missing.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--report", metavar="JSON", help="also write the JSON report (docs/contract.md) here")
    p.add_argument("--repro", metavar="DIR", help="write a standalone reproduction script per failing property "
                   "into DIR (repro_<function>_<property>.py: run it with python after each edit)")
    p.add_argument("--html", metavar="FILE", help="also write the report page here (one self-contained HTML file: "
                   "the summary, each failure with plots of expected, got and the error per step)")
    p.add_argument("-j", "--jobs", default="auto", help="pytest-xdist workers (default auto; 0 for none)")
    p.add_argument("-k", metavar="EXPRESSION", help="pytest's -k: only tests matching EXPRESSION")
    p.add_argument("-v", "--verbose", action="store_true", help="a line for every property, passed ones too")
    p.add_argument("--watch", action="store_true",
                   help="stay running: after each save of FILE, verify again the functions whose code changed "
                   "(and what they reach in the module) and redraw a table of verdicts; Ctrl-C to stop")
    common(p)
    p.set_defaults(run=check)

    p = sub.add_parser("grade", help="verify many submissions; write tables and platform result files",
                       description="Verify every SUBMISSION (a .py file, a folder holding one solution module, "
                       "a folder of those, or a glob), several at once, each in its own process with the "
                       "untrusted-code isolation and its time budget.")
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION")
    p.add_argument("--out", default="scanprops-grades", metavar="DIR",
                   help="where the tables and per-submission files go (default ./scanprops-grades)")
    p.add_argument("--config", metavar="TOML", help="points and visibility (see scanprops/points.py)")
    p.add_argument("--module", metavar="NAME.py", help="in submission folders, the solution module's file name")
    p.add_argument("-j", "--jobs", type=int, default=None, help="submissions at once (default: by cores and memory)")
    p.add_argument("--shard", metavar="I/N", help="grade only shard I of N (stable, by submission name)")
    p.add_argument("--force", action="store_true", help="regrade even what was graded with this harness already")
    p.add_argument("--html", action="store_true",
                   help="also write a report page per submission (DIR/NAME/report.html) and DIR/index.html")
    common(p)
    p.set_defaults(run=grade)

    p = sub.add_parser("merge", help="combine the tables of several `grade --out` folders (shards)")
    p.add_argument("folders", nargs="+", metavar="DIR")
    p.add_argument("--out", required=True, metavar="DIR", help="where the combined tables go")
    p.set_defaults(run=merge)

    p = sub.add_parser("new-problem", help="write the skeleton of a problem pack's row, its modules and tests",
                       description="Write the skeleton of a new row NAME into a problem pack (a folder; created "
                       "when absent): NAME.py (its oracle, inputs, budget, edge cases), a reference function, a "
                       "wrong and an alternative module, and the pack's tests. docs/problem-packs.md.")
    p.add_argument("name", metavar="NAME", help="the function's name, as learners will define it")
    p.add_argument("--pack", default="problems", metavar="FOLDER", help="the pack's folder (default ./problems)")
    p.set_defaults(run=new_problem)

    for platform in bundled():
        p = sub.add_parser(f"{platform.name}-bundle", help=f"write the autograder folder {platform.name} expects")
        p.add_argument("--out", required=True, metavar="DIR")
        p.add_argument("--config", metavar="TOML", help="points and visibility, copied into the bundle")
        p.add_argument("--module", metavar="NAME.py", help="the solution module's file name in a submission")
        p.add_argument("--harness", metavar="REQUIREMENT",
                       help="what pip installs as the harness (default: a wheel of this one, built into the bundle)")
        common(p)
        # What the platforms' containers allow (Docker's default seccomp profile lets a process
        # filter itself; Landlock depends on the host's kernel): --require-sandbox "" for none.
        p.set_defaults(run=bundle, platform=platform.name, require_sandbox="seccomp,subreaper")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("scanprops: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
