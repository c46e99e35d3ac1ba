"""What `scanprops check` prints: the run's header, progress per function, each failure once,
then the summary; none of pytest's plumbing (no "bringing up nodes", no `[gw1] linux -- Python`
lines, no FAILED node ids, no short test summary). `pytest --impl` keeps pytest's own output.

pytest still runs the properties (scanprops/runner.py builds its arguments): `run` starts it in
this process with its standard output sent to the null device (pytest's terminal, and what
pytest-xdist and Hypothesis write to it, goes there; usage errors still reach stderr) and this
plugin, which prints what a learner reads with rich on a duplicate of the real standard output:
a live progress bar per function on a terminal, one plain line per function as it finishes
otherwise (CI logs: no colour codes, no cursor movement).
"""
from __future__ import annotations

import os
import sys
import time
from collections import defaultdict

import pytest
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scanprops import plugin


def _function(nodeid: str) -> tuple[str, str] | None:
    """(function, property) of a property test's node id, None for anything else."""
    return plugin.property_test(nodeid)


class CheckOutput:
    """The pytest plugin of `scanprops check`'s output (see the module's docstring)."""

    def __init__(self, *, verbose: bool = False, console: Console | None = None):
        self.console = console or Console(highlight=False, soft_wrap=True)
        self.verbose = verbose
        self.total: dict[str, int] = {}
        self.done: dict[str, int] = defaultdict(int)
        self.failed: dict[str, list[str]] = defaultdict(list)
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.tasks: dict[str, int] = {}

    def pytest_configure(self, config):
        for line in plugin.pytest_report_header(config) or []:
            self.say(line)

    # --- what runs -----------------------------------------------------------------------------
    def _expect(self, nodeids) -> None:
        if self.total:
            return
        for nodeid in nodeids:
            found = _function(nodeid)
            if found:
                self.total[found[0]] = self.total.get(found[0], 0) + 1
        if self.console.is_terminal and self.total:
            self.progress = Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn("{task.fields[state]}"), TimeElapsedColumn(),
                                     console=self.console, transient=False)
            for name, count in self.total.items():
                self.tasks[name] = self.progress.add_task(name, total=count, state="")
            self.progress.start()

    def pytest_collection_finish(self, session):
        self._expect(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        self._expect(ids)  # every worker collects the same tests; the first one's list will do

    def pytest_collectreport(self, report):
        if report.failed:
            self.say(f"could not collect {report.nodeid or 'the tests'}:\n{report.longrepr}")

    def pytest_runtest_logreport(self, report):
        found = _function(report.nodeid)
        if found is None or not (report.when == "call" or not report.passed):
            return  # a passing set-up or teardown: the call's report follows, or came
        name, family = found
        verdict = "pass" if report.passed else "skipped" if report.skipped else "fail"
        if verdict == "fail":
            self.failed[name].append(family)
            self.say(str(report.longrepr).rstrip("\n") + "\n")
        elif self.verbose:
            self.say(f"  {verdict:<8} {name} {family}")
        if report.when != "teardown":  # a failed teardown after a call counted already
            self.done[name] += 1
            self._advance(name)

    def _advance(self, name: str) -> None:
        state = f"{len(self.failed[name])} failed" if self.failed[name] else ""
        if self.progress is not None and name in self.tasks:
            self.progress.update(self.tasks[name], completed=self.done[name], state=state)
        elif self.done[name] == self.total.get(name, -1):  # no terminal: one line when a function is done
            failed = self.failed[name]
            self.console.print(f"{name}: {self.done[name]} properties checked, "
                               + (f"{len(failed)} failed ({', '.join(failed)})" if failed else "all pass"),
                               markup=False)

    # --- the end -------------------------------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
        found = plugin.summary(session.config)
        if found is None:
            return
        title, lines = found
        self.console.rule(title, style="bold") if self.console.is_terminal else self.say(f"== {title} ==")
        for line in lines:
            self.say(line)
        self.say(f"  {time.monotonic() - self.started:.0f} s")

    def say(self, text: str) -> None:
        """One block of text, as is (no markup: a failure's `[0]` is an index, not a style)."""
        target = self.progress.console if self.progress is not None else self.console
        target.print(text, markup=False, highlight=False)


def run(args: list[str], *, verbose: bool = False) -> int:
    """pytest.main(args) with `check`'s output instead of pytest's; its exit status."""
    sys.stdout.flush()
    saved = os.dup(1)
    out = os.fdopen(os.dup(saved), "w", encoding="utf-8", errors="replace")
    null = os.open(os.devnull, os.O_WRONLY)
    console = Console(file=out, highlight=False, soft_wrap=True, force_terminal=None)
    # A terminal's check: is the real standard output one (it is about to point at /dev/null).
    console.is_terminal  # noqa: B018  (rich decides once, from `out`, before the switch)
    try:
        os.dup2(null, 1)
        return int(pytest.main(args, plugins=[CheckOutput(verbose=verbose, console=console)]))
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        for fd in (saved, null):
            os.close(fd)
        out.flush()
        out.close()
