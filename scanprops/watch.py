"""`scanprops check --watch FILE`: a verdict on the function just edited, seconds after each save.

One long-lived process. It waits for the file's next save (watchfiles), takes every catalog
function's fingerprint from the new text (scanprops/fingerprint.py: the function and what it
reaches in the module, read with `ast`, never run), and verifies only the functions whose
fingerprint changed since they were last verified (all of them the first time; a function
without a fingerprint whenever the file changed) with the run `scanprops check` makes: pytest's
run of the packaged property tests with `--functions` set to those, started here in this process
(pytest.main) with one process and no xdist, so that the judge stays warm between saves: JAX
imported, the oracles' values and gradients in memory (scanprops/expect.py, grad_store.py), the
property tests and their Hypothesis strategies imported, and the judge's compile cache loaded.
What stays as strict as in any run: every call of the code under test runs in a sandboxed child
(scanprops/isolation.py), and each version of the file gets a fresh child and a fresh executor
(`isolation.forget`), since a child that ran the old version, or the record of its calls that
hung, is not clean. The children's compile cache is keyed by function (scanprops/compile_cache.py),
so the child for a new version loads what the functions it shares with the old one compiled.

The table (rich, redrawn in place on a terminal; printed again after each round elsewhere) has
a row per function: its verdict, its properties, its first failure's headline, how long its
last verification took and in which round. A save that does not parse, or a module that raises
when it is imported, is one line; the watch goes on. Ctrl-C stops it (exit status 130).
`--report FILE` writes the JSON report (docs/contract.md) after each round, with every
function's latest verdicts.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scanprops import fingerprint, isolation, report
from scanprops.runner import pytest_args

INTERRUPTED = 2  # pytest.ExitCode.INTERRUPTED: Ctrl-C during a round


@dataclass
class Row:
    verdict: str = "waiting"
    passed: int = 0
    total: int = 0
    headline: str = ""
    seconds: float | None = None
    round: int = 0
    entry: dict | None = None  # the report's entry for the function


class Watch:
    """The state of one watch: the rows, what was verified, and how to show them."""

    def __init__(self, *, file: Path, names: list[str], console, options: dict, families: dict):
        self.file = file
        self.names = names  # the catalog functions watched, in catalog order
        self.families = families  # function -> its property families, in the catalog's order
        self.console = console
        self.options = options  # pytest_args' keywords (profile, time_budget, extra)
        self.rows = {name: Row() for name in names}
        self.verified: dict[str, str | None] = {}  # function -> fingerprint it was verified at
        self.status = f"watching {file}"
        self.rounds = 0
        self.live = None
        self.fingerprints: dict[str, str | None] = {}  # of the text being verified
        self.environment: dict = report.versions()  # the last report's

    # --- one round -----------------------------------------------------------------------------------
    def changed(self, text: str) -> list[str] | None:
        """The watched functions to verify for this text (None: it does not parse; said)."""
        try:
            found = fingerprint.fingerprints(text=text, folder=self.file.parent, names=self.names)
        except SyntaxError as exc:
            where = f" line {exc.lineno}" if exc.lineno else ""
            self.say(f"syntax error in {self.file.name}{where}: {exc.msg}; "
                     "the table shows the last version that parsed")
            return None
        for name in self.names:
            if name not in found:
                self.rows[name] = Row(verdict="missing", headline=f"{self.file.name} does not define {name}",
                                      round=self.rounds)
                self.verified.pop(name, None)
        self.fingerprints = found
        return [n for n in self.names if n in found and (found[n] is None or self.verified.get(n, "") != found[n])]

    def verify(self, names: list[str]) -> None:
        """One pytest run of `names`, in this process; its verdicts into the rows. With no names,
        the import alone (pytest's --collect-only: the plugin's import probe in a child), since a
        statement no function reaches can still raise at import."""
        import pytest

        self.rounds += 1
        started = time.monotonic()
        for name in names:
            self.rows[name] = Row(verdict="verifying", round=self.rounds, entry=self.rows[name].entry)
        self.say(f"round {self.rounds}: verifying {', '.join(names)}" if names else
                 f"round {self.rounds}: no watched function changed; importing the module")
        isolation.forget()  # a fresh child and executor for this version of the file
        with tempfile.TemporaryDirectory(prefix="scanprops-watch-") as folder:
            out = Path(folder) / "report.json"
            args = pytest_args(str(self.file), report=str(out), jobs=0, functions=names or self.names[:1],
                               quiet=True, **{k: v for k, v in self.options.items() if k not in ("extra", "report")},
                               extra=("-s", *(() if names else ("--collect-only",)), *self.options.get("extra", ())))
            log = io.StringIO()
            try:
                with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
                    status = int(pytest.main(args, plugins=[_Progress(self)]))
            finally:
                isolation.forget()
            if status == INTERRUPTED:
                raise KeyboardInterrupt
            try:
                found = json.loads(out.read_text())
            except (OSError, ValueError):
                found = None
        seconds = time.monotonic() - started
        if found is None or found.get("error"):
            why = (found or {}).get("error") or _last_line(log.getvalue()) or f"pytest ended with status {status}"
            for name, row in self.rows.items():
                if row.verdict != "missing":  # nothing of this version was verified
                    self.rows[name] = Row(verdict="not run", headline=why.splitlines()[0][:160], round=self.rounds)
            self.verified.clear()  # once it imports again, every function is verified again
            self.write_report()
            self.say(f"round {self.rounds}: {why.splitlines()[0]}")
            return
        self.environment = found.get("environment", self.environment)
        if not names:
            self.say(f"round {self.rounds}: the module imports; nothing to verify again ({seconds:.1f} s)")
            return
        for name in names:
            entry = found["problems"].get(name, {"verdict": "error", "properties": {}})
            props = entry.get("properties", {})
            failing = [props[f] for f in self.families.get(name, ()) if props.get(f, {}).get("verdict")
                       in ("fail", "error")] or [e for e in props.values() if e.get("verdict") in ("fail", "error")]
            passed = sum(e.get("verdict") == "pass" for e in props.values())
            self.rows[name] = Row(verdict=entry["verdict"], passed=passed, total=len(props),
                                  headline=_headline(failing[0]["message"], name) if failing else "",
                                  seconds=seconds, round=self.rounds, entry=entry)
            self.verified[name] = self.fingerprints.get(name)
        self.write_report()
        self.say(f"round {self.rounds}: {', '.join(f'{n} {self.rows[n].verdict}' for n in names)} "
                 f"in {seconds:.1f} s")

    def write_report(self) -> None:
        """The JSON report of every watched function's latest verdicts (`--report`), before the
        round's last line is shown."""
        path = self.options.get("report")
        if not path:
            return
        results = {n: r.entry["properties"] for n, r in self.rows.items()
                   if r.entry is not None and r.verdict not in ("not run", "verifying")}
        missing = {n for n, r in self.rows.items() if r.verdict == "missing"}
        error = next((r.headline for r in self.rows.values() if r.verdict == "not run"), None)
        report.write(path, report.build(str(self.file), self.names, results, missing, self.environment, error=error))

    # --- showing it ------------------------------------------------------------------------------------
    def say(self, line: str) -> None:
        self.status = line
        if self.live is not None:
            self.live.console.print(line, markup=False, highlight=False, soft_wrap=True)
            self.redraw()
        else:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)

    def redraw(self) -> None:
        if self.live is not None:
            self.live.update(self.table(), refresh=True)

    def table(self):
        from rich.table import Table

        colours = {"pass": "green", "fail": "red", "error": "red", "missing": "yellow", "verifying": "cyan"}
        table = Table(title=f"scanprops --watch {self.file.name}", title_justify="left")
        for column in ("function", "verdict", "properties", "first failure", "seconds", "round"):
            table.add_column(column, no_wrap=column != "first failure")
        for name, row in self.rows.items():
            colour = colours.get(row.verdict, "")
            table.add_row(name, f"[{colour}]{row.verdict}[/]" if colour else row.verdict,
                          f"{row.passed}/{row.total}" if row.total else "", row.headline,
                          f"{row.seconds:.1f}" if row.seconds is not None else "", str(row.round or ""))
        return table


class _Progress:
    """pytest plugin for one round: each finished test shows in its function's row."""

    def __init__(self, watch: Watch):
        self.watch = watch

    def pytest_runtest_logreport(self, report):
        from scanprops.plugin import property_test

        which = property_test(report.nodeid)
        if which is None or not (report.when == "call" or report.failed):
            return
        row = self.watch.rows.get(which[0])
        if row is not None and row.verdict == "verifying":
            row.total += 1
            row.passed += bool(report.passed)
            self.watch.redraw()


def _headline(message: str, name: str) -> str:
    """A failure message's first line, without the function's name in front."""
    for line in message.splitlines():
        if line.strip():
            line = line.strip()
            return (line[len(name) + 2:] if line.startswith(f"{name}: ") else line)[:160]
    return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or [""])[-1]


def _wait_for_save(file: Path, last_text: str | None) -> str:
    """The file's text once it differs from `last_text` (a save, or a change made meanwhile)."""
    import watchfiles

    target = file.resolve()
    text = _read(file)
    if text is not None and text != last_text:
        return text
    # The file is read again after every event and every half second without one: a save made
    # between the read above and the moment the watcher is in place raises no event (once, under
    # load, a watch waited 240 s for one that had happened), and would otherwise be missed.
    for _ in watchfiles.watch(target.parent, watch_filter=lambda change, path: Path(path) == target,
                              debounce=100, step=25, rust_timeout=500, yield_on_timeout=True,
                              raise_interrupt=True):
        text = _read(file)
        if text is not None and text != last_text:
            return text
    raise KeyboardInterrupt  # the watcher ended (it ends only when stopped)


def _read(file: Path) -> str | None:
    try:
        return file.read_text(errors="replace")
    except OSError:
        return None  # mid-save (an editor's rename): the next event brings it


def main(*, file: str, functions: list[str], report_path: str | None, profile: str | None,
         time_budget: float | None, extra: tuple = (), catalogs: tuple | list = (), catalog_only: bool = False,
         console=None) -> int:
    """Watch `file` until Ctrl-C (exit status 130). `functions`: the run's functions to watch (all
    when empty; `scanprops check` has checked the names); `catalogs`, `catalog_only`: the problem
    packs of the run (scanprops/packs.py); the others pytest arguments as `scanprops check` passes them."""
    from rich.console import Console
    from rich.live import Live

    from scanprops import packs
    from scanprops.props.registry import families_of

    path = Path(file).resolve()
    console = console or Console()
    rows = packs.load(catalogs, only=catalog_only).rows
    names = [p.name for p in rows if not functions or p.name in functions]
    watch = Watch(file=path, names=names, console=console, families={p.name: families_of(p) for p in rows},
                  options={"profile": profile, "time_budget": time_budget, "extra": tuple(extra),
                           "report": report_path, "catalogs": tuple(catalogs), "catalog_only": catalog_only})
    live = Live(watch.table(), console=console, auto_refresh=False, transient=False) if console.is_terminal else None
    text = None
    try:
        with live if live is not None else contextlib.nullcontext():
            watch.live = live
            watch.say(f"watching {path} (Ctrl-C to stop)")
            while True:
                text = _wait_for_save(path, text)
                todo = watch.changed(text)
                if todo is None:
                    continue
                watch.verify(todo)
                if live is None:
                    console.print(watch.table())
                watch.redraw()
                console.file.flush()
    except KeyboardInterrupt:
        isolation.forget()  # the children are stopped and reaped here
        console.print("scanprops: watch stopped", markup=False, highlight=False)
        console.file.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        # Out at once: this process holds JAX and its threads, and an interpreter shutdown after an
        # interrupt once kept a stopped watch alive for more than 60 s in a loaded full-suite run
        # (tests/test_watch.py); nothing is left to clean up once the children are gone.
        os._exit(130)
