"""One verification run of one module, as the `scanprops` command starts it: the packaged
property tests under pytest, with this package's settings, from wherever the harness is
installed. `pytest -n auto --impl FILE` in the repository does the same."""
from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SETTINGS = Path(__file__).resolve().parent / "check.ini"
# Past the run's own time budget (the plugin's --time-budget), how long a run may take to wind
# down (stop its children, write its report) before it is killed from outside.
GRACE_S = 120.0


def props_dir() -> Path:
    """The property tests' folder: the repository's props/ under an editable install, else the
    installed scanprops/props."""
    spec = importlib.util.find_spec("scanprops.props")
    return Path(list(spec.submodule_search_locations)[0]).resolve()


def catalog_specs(given: list[str] | None) -> list[str]:
    """`--catalog` values as the pytest run is to read them: a folder made absolute (the run may
    start elsewhere), a module or installed pack's name unchanged."""
    return [str(Path(c).resolve()) if Path(c).exists() else c for c in (given or [])]


def pytest_args(impl: str, *, report: str | None = None, repro: str | None = None, jobs: str | int = "auto",
                functions=None,
                time_budget: float | None = None, profile: str | None = None, quiet: bool = True,
                extra: tuple = (), catalogs: tuple | list = (), catalog_only: bool = False,
                cache_key: str | None = None) -> list[str]:
    """pytest's arguments for verifying `impl` (a .py path) on the packaged property tests, with
    the rows of the problem packs `catalogs` names (scanprops/packs.py); `cache_key` the code under
    test's compile-cache key (scanprops/compile_cache.py: `function` or `submission`; None: the
    plugin's default, `function`)."""
    props = props_dir()
    args = ["-c", str(SETTINGS), "--rootdir", str(props.parent), "--impl", impl, "--only-provided"]
    for catalog in catalogs:
        args += ["--catalog", catalog]
    if catalog_only:
        args += ["--catalog-only"]
    if cache_key:
        args += ["--compile-cache-key", cache_key]
    if str(jobs) not in ("0", "1"):
        args += ["-n", str(jobs)]
    else:
        args += ["-p", "no:xdist"]
    if report:
        args += ["--scan-report", report]
    if repro:
        args += ["--scan-repro", repro]
    if functions:
        args += ["--functions", ",".join(functions)]
    if time_budget is not None:
        args += ["--time-budget", f"{time_budget:g}"]
    if profile:
        args += ["--hypothesis-profile", profile]
    if quiet:
        args += ["-q"]
    return [*args, *extra, str(props)]


@dataclass
class Finished:
    status: int  # pytest's exit status (negative: the signal that ended it)
    seconds: float
    killed: bool = False


def run_isolated(args: list[str], log: Path, deadline_s: float | None) -> Finished:
    """pytest in its own process group, its output to `log`; killed (the whole group) past
    `deadline_s`, so that a submission that outwits every inner limit still cannot stall a
    grading run."""
    start = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "pytest", *args], stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            status = proc.wait(timeout=deadline_s)
            killed = False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            status = proc.wait()
            killed = True
    try:  # nothing of the run outlives it (a child that escaped the wait above)
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return Finished(status, time.monotonic() - start, killed)
