"""The pytest plugin: --impl, --time-budget, devices, Hypothesis profiles, the run header, the
JSON report.

Loaded through its entry point. No process of pytest ever imports the implementation under
test: the controller asks a sandboxed child to import it (scanprops/isolation.py), with a
deadline, so a module that cannot be imported, hangs, exits or tampers stops the run with one
message and an `error` report before any worker starts; the child also says which catalog
functions the module provides and whose signature does not fit, and the controller hands that
to the workers. Every call of code under test then runs in each worker's own sandboxed child.
Results flow back to the controller as `user_properties` on each test report; the controller
alone computes the verdicts and writes the JSON report (atomically), and makes the exit status
agree with it.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from scanprops import compile_cache, confinement, devices, evidence, isolation, loading, profiles, report, repro
from scanprops.failure import PropertyFailure
from scanprops.limits import RunLimits
from scanprops.props.family import split_test_id

if TYPE_CHECKING:  # (the rows import Hypothesis and the strategies: not at start-up of every pytest run)
    from scanprops.packs import Rows

KEY = "scanprops"
TEST_MODULE = "test_properties.py"  # the property tests' module, props/test_properties.py


@dataclass
class State:
    spec: str  # as given (or the default)
    resolved: str  # absolute path or dotted name
    profile: str = "default"
    provided: frozenset = frozenset()  # what the import probe found
    signature_problems: dict = field(default_factory=dict)
    # the run's limits: its time budget (None for the harness's own test run), the calls'
    # deadlines and memory, JAX's persistent compilation cache folders (None: off)
    limits: RunLimits = field(default_factory=RunLimits)
    results: dict = field(default_factory=dict)  # problem -> family -> entry
    missing: set = field(default_factory=set)
    chosen: frozenset | None = None  # --functions (None: the whole catalog)
    catalogs: tuple = ()  # --catalog, resolved where pytest was invoked (scanprops/packs.py)
    catalog_only: bool = False
    rows: Rows | None = None  # the run's rows: built-in and packs' (scanprops/packs.py)
    final: dict | None = None  # the report, once computed
    sandbox: dict | None = None  # the kernel's layers the controller's import probe child applied
    repro_files: list = field(default_factory=list)  # --scan-repro: the scripts written


def pytest_addoption(parser):
    group = parser.getgroup("scanprops", "scanprops: verify JAX scan implementations")
    group.addoption("--impl", default=None, metavar="PATH_OR_MODULE",
                    help="implementation to verify: a .py path or a dotted module name "
                    "(default: $SCAN_IMPL, else the reference implementations)")
    group.addoption("--scan-report", default=None, metavar="FILE", help="write the JSON report to FILE")
    group.addoption("--scan-repro", default=None, metavar="DIR",
                    help="write a standalone reproduction script per failing property into DIR "
                    "(repro_<function>_<property>.py; scanprops/repro.py)")
    group.addoption("--cpu-devices", type=int, default=4, metavar="N",
                    help="CPU devices to force for the `devices` property on CPU-only hosts (default 4)")
    group.addoption("--time-budget", type=float, default=None, metavar="SECONDS",
                    help="wall-clock budget for the whole run; past it, the properties not yet judged are "
                    f"reported `error` (default with --impl: {profiles.BUDGET_AT_10_S:g} at 10 examples per "
                    f"property, {profiles.time_budget_s('thorough'):g} under `thorough`: a correct full-catalog "
                    "run takes a fifth of that on 2 CPU cores; none for the harness's own tests)")
    group.addoption("--functions", default=None, metavar="NAME,...",
                    help="verify only these catalog functions (an assignment's subset); the others are "
                    "reported `skipped`")
    group.addoption("--only-provided", action="store_true", default=False,
                    help="leave the functions the module does not define out of the run (they are still "
                    "reported `missing`), instead of a skip mark per test")
    group.addoption("--compile-cache", choices=("on", "off"), default=None,
                    help="JAX's persistent compilation cache, so that the next run loads programs instead of "
                    "compiling them (default on, unless SCANPROPS_COMPILE_CACHE=0; folder: $SCANPROPS_CACHE_DIR, "
                    "else $XDG_CACHE_HOME/scanprops, else ~/.cache/scanprops; see scanprops/compile_cache.py)")
    group.addoption("--catalog", action="append", default=[], metavar="PATH_OR_MODULE",
                    help="also verify the rows of this problem pack: a folder holding __init__.py that defines "
                    "ROWS, a package's dotted name, or an installed pack's name (repeatable; docs/problem-packs.md)")
    group.addoption("--catalog-only", action="store_true", default=False,
                    help="verify only the rows of the packs --catalog names (not the built-in rows, nor "
                    "installed packs)")
    group.addoption("--compile-cache-key", choices=compile_cache.KEYS, default="function",
                    help="how the code under test's compile cache is shared between runs: `function` (default, "
                    "a learner's runs: each function by its fingerprint, so an edit recompiles only what it "
                    "changed) or `submission` (by the whole file; `scanprops grade` always uses it)")
    group.addoption("--require-sandbox", default=None, metavar="LAYER,...",
                    help="refuse to run code under test unless its process could apply these kernel layers "
                    "(landlock, seccomp, netns, subreaper; see scanprops/confinement.py); default: "
                    "$SCANPROPS_REQUIRE_SANDBOX, else none required (missing layers are reported)")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    """Undo pytest's reading of `--impl /elsewhere/solutions.py`.

    pytest chooses its rootdir and config file before any plugin's options are known, so the
    value of `--impl` is taken for a test path there: an implementation outside the project
    makes pytest root the run there and miss pyproject.toml (its timeout, its test paths).
    When that happened, start again with this project's config file named explicitly.
    """
    here = Path(str(early_config.invocation_params.dir))
    project = here / "pyproject.toml"
    given = list(early_config.invocation_params.args)
    if (
        early_config.inipath is None
        and any(a in given or any(g.startswith(a + "=") for g in given) for a in ("--impl", "--catalog"))
        and project.is_file()
        and (here / "props" / "families.py").is_file()
        and not os.environ.get("SCANPROPS_REEXEC")
    ):
        os.environ["SCANPROPS_REEXEC"] = "1"
        capture = early_config.pluginmanager.getplugin("capturemanager")
        if capture is not None:  # give the new process the real stdout/stderr back
            capture.stop_global_capturing()
        sys.stdout.flush()
        os.execv(sys.executable, [sys.executable, "-m", "pytest", "-c", str(project), *given])


def _state(config) -> State:
    return config.stash[_STATE]


_STATE = pytest.StashKey[State]()


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def _active(config) -> bool:
    """Only in scanprops' own project (or when asked with --impl): the plugin is installed
    into the environment, and must not touch other projects' test runs."""
    root = Path(str(config.rootpath))
    return (bool(config.getoption("impl")) or bool(config.getoption("catalog"))
            or (root / "props" / "families.py").is_file())


def pytest_configure(config):
    if not _active(config):
        return
    config.addinivalue_line("markers", "family(name): the property family a test checks (docs/contract.md)")
    profile = profiles.load(config.getoption("hypothesis_profile", None))
    if _is_worker(config):  # the controller's decision, so that every process agrees
        limits = RunLimits.from_json(config.workerinput["scanprops_limits"])
    else:
        spec = config.getoption("impl") or os.environ.get("SCAN_IMPL") or loading.DEFAULT_IMPL
        budget = config.getoption("time_budget")
        if budget is None and spec != loading.DEFAULT_IMPL:  # a submission: always bounded
            budget = profiles.time_budget_s(profile)
        required = config.getoption("require_sandbox")
        try:  # the option, else $SCANPROPS_REQUIRE_SANDBOX; checked before anything starts
            layers = isolation.required_layers(required)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
        limits = RunLimits.from_environment(time_budget_s=budget, required_layers=layers,
                                            cache=compile_cache.folders(
                                                config.getoption("compile_cache"),
                                                by_function=config.getoption("compile_cache_key") == "function")
                                            ).started()
    compile_cache.use(limits.cache)  # before anything compiles
    isolation.start(limits)
    devices.force_cpu_devices(config.getoption("cpu_devices"))
    from scanprops import packs

    if _is_worker(config):
        given = config.workerinput
        state = State(spec=given["scanprops_spec"], resolved=given["scanprops_resolved"], profile=profile,
                      provided=frozenset(given["scanprops_provided"]),
                      signature_problems=dict(given["scanprops_signatures"]), limits=limits,
                      catalogs=tuple(given["scanprops_catalogs"]), catalog_only=given["scanprops_catalog_only"])
    else:
        here = Path(config.invocation_params.dir)
        state = State(spec=spec, resolved=loading.resolve(spec, here), profile=profile, limits=limits,
                      catalogs=tuple(loading.resolve(c, here) if (here / c).exists() else c
                                     for c in config.getoption("catalog")),
                      catalog_only=config.getoption("catalog_only"))
    try:  # a loaded pack's folder joins the answer key: no child started from now on can read it
        state.rows = packs.load(state.catalogs, only=state.catalog_only)
    except packs.PackError as exc:
        raise pytest.UsageError(str(exc)) from None
    rows = state.rows.rows
    config.stash[_STATE] = state
    if not _is_worker(config):
        if getattr(config.option, "dist", "no") == "no" and loading.looks_like_path(state.resolved):
            isolation.executor().start_runner()  # one process: the runner starts while the child imports the module
        try:
            _probe(state, rows)
        except (loading.ImplLoadError, isolation.SubmissionError) as exc:
            isolation.close()
            if config.getoption("scan_report"):
                names = [p.name for p in rows]
                report.write(config.getoption("scan_report"),
                             report.build(spec, names, {}, set(), _environment(state), error=str(exc)))
            raise pytest.UsageError(str(exc)) from None
        if getattr(config.option, "dist", "no") != "no":  # xdist: the workers' children do the calls
            isolation.close()
        config.pluginmanager.register(ResultCollector(config), "scanprops-results")
    state.missing = {p.name for p in rows if p.name not in state.provided}
    state.chosen = _chosen_functions(config, rows)


def _chosen_functions(config, catalog) -> frozenset | None:
    """--functions as a set of catalog names (None: all), or a usage error naming the unknown."""
    from scanprops.catalog import function_names

    try:
        names = function_names(config.getoption("functions"), catalog)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None
    return frozenset(names) if names else None


def pytest_collection_modifyitems(session, config, items):
    """--functions and --only-provided: deselect, the same way in every xdist worker (each
    decides from the controller's probe, so their collections agree). A profile that draws more
    than the default's examples gives each test a longer limit (scanprops/profiles.py), unless
    --timeout is given."""
    state = config.stash.get(_STATE, None)
    if state is not None and config.getoption("timeout", None) is None:
        limit = profiles.per_test_timeout_s(state.profile)
        if limit > profiles.TEST_TIMEOUT_AT_10_S:
            for item in items:
                if item.get_closest_marker("timeout") is None:
                    item.add_marker(pytest.mark.timeout(limit))
    if state is None or (state.chosen is None and not config.getoption("only_provided")):
        return
    keep, drop = [], []
    for item in items:
        problem = getattr(item, "callspec", None) and item.callspec.params.get("problem")
        name = getattr(problem, "name", None)
        out = name is not None and ((state.chosen is not None and name not in state.chosen)
                                    or (config.getoption("only_provided") and name in state.missing))
        (drop if out else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _probe(state: State, catalog) -> None:
    """Import the implementation in a sandboxed child; learn what it provides; or say why not."""
    if loading.looks_like_path(state.resolved) and not Path(state.resolved).is_file():
        hint = " (it is a directory; name the .py file)" if Path(state.resolved).is_dir() else ""
        raise loading.ImplLoadError(f"--impl {state.spec}: no such file{hint}.")
    try:
        info = isolation.executor().inspect(isolation.module_ref(state.resolved, state.spec),
                                            {p.name: (p.argnames, p.signature) for p in catalog})
    except isolation.ImplFailure as exc:
        text = (exc.summary if exc.summary.startswith("--impl")
                else f"--impl {state.spec} cannot be imported: {exc.summary}")
        raise loading.ImplLoadError(text + (f"\n{exc.detail}" if exc.detail else "")) from None
    state.sandbox = isolation.executor().layers
    state.provided = frozenset(info["provided"])
    state.signature_problems = info["signature"]
    if not state.provided:
        raise loading.ImplLoadError(
            f"--impl {state.spec} defines none of the catalog's functions "
            f"({', '.join(p.name for p in catalog)}); check the names.")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """`-n auto` in a learner's run (--impl): workers by the tests it will run, not by the cores;
    0 (one process, no xdist) for a function or two (scanprops/workload.py). None elsewhere: the
    harness's own test run keeps xdist's choice."""
    spec = config.getoption("impl")
    if not spec:
        return None
    from scanprops import packs, workload
    from scanprops.catalog import function_names

    here = Path(config.invocation_params.dir)
    resolved = loading.resolve(spec, here)
    if not (loading.looks_like_path(resolved) and Path(resolved).is_file()):
        return None
    try:  # the run's rows (packs too); a usage error is said once, by pytest_configure
        rows = packs.load(tuple(loading.resolve(c, here) if (here / c).exists() else c
                                for c in config.getoption("catalog")), only=config.getoption("catalog_only")).rows
        chosen = function_names(config.getoption("functions"), rows)
    except (packs.PackError, ValueError):
        return None
    left = workload.tests_left(path=resolved, catalog=rows, functions=chosen or None,
                               keyword=config.getoption("keyword") or None)
    return workload.workers(tests=left, cores=workload.cores())


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    """xdist: hand each worker the implementation exactly as the controller resolved it."""
    if _STATE not in node.config.stash:
        return
    state = _state(node.config)
    node.workerinput["scanprops_spec"] = state.spec
    node.workerinput["scanprops_resolved"] = state.resolved
    node.workerinput["scanprops_provided"] = sorted(state.provided)
    node.workerinput["scanprops_signatures"] = dict(state.signature_problems)
    node.workerinput["scanprops_limits"] = state.limits.to_json()
    node.workerinput["scanprops_catalogs"] = list(state.catalogs)
    node.workerinput["scanprops_catalog_only"] = state.catalog_only


def pytest_ignore_collect(collection_path, config):
    """With --impl, verify the learner's module only: the harness's own tests stay out."""
    state = config.stash.get(_STATE, None)
    if state is None or state.resolved == loading.DEFAULT_IMPL:
        return None
    for own in ("tests", "examples"):  # the harness's own tests, and the example pack's
        folder = Path(str(config.rootpath)) / own
        if collection_path == folder or folder in collection_path.parents:  # an initial path, or its files
            return True
    return None


def pytest_generate_tests(metafunc):
    """props/test_properties.py::test_property, once per (family, row) of the run's rows (the
    built-in catalog and the packs --catalog names), with the id `family-row`."""
    if metafunc.definition.name != "test_property" or Path(str(metafunc.definition.path)).name != TEST_MODULE:
        return
    from scanprops import packs
    from scanprops.props.registry import pairs

    state = metafunc.config.stash.get(_STATE, None)
    rows = state.rows.rows if state is not None and state.rows is not None else packs.load().rows
    metafunc.parametrize(("family", "problem"), [
        pytest.param(family, problem, id=family.test_id(problem), marks=pytest.mark.family(family.name))
        for family, problem in pairs(rows)])


def _environment(state: State) -> dict:
    try:
        env = {**report.versions(), **devices.describe()}
    except Exception as exc:  # a broken JAX install: say so in the report instead of crashing
        env = {**report.versions(), "backend": f"unavailable: {exc}", "devices": 0}
    env.pop("device_kinds", None)
    env["sandbox"] = state.sandbox or {}
    return env


def _sandbox_lines(layers: dict | None) -> list[str]:
    """The header's line on the kernel's layers, and one warning line for the missing ones."""
    if not layers:
        return []
    active = [name if value is True else f"{name} {value}" for name, value in layers.items()
              if confinement.applied(value)]
    missing = [f"{name} ({value})" for name, value in layers.items()
               if not confinement.applied(value)]
    lines = [f"scanprops: sandbox: {', '.join(active) or 'no kernel layer'} (scanprops/confinement.py)"]
    if missing:  # the summary's line (shown under -q too); the header shows the first
        lines.append(f"warning: sandbox layers missing: {'; '.join(missing)}; code under test is "
                     "less confined than it could be (graders: --require-sandbox)")
    return lines


def pytest_report_header(config):
    if _STATE not in config.stash:
        return []
    state = _state(config)
    env = {**report.versions(), **devices.describe()}
    what = "the reference implementations" if state.resolved == loading.DEFAULT_IMPL else state.spec
    missing = f"; missing: {', '.join(sorted(state.missing))}" if state.missing else ""
    rows = state.rows
    built_in = len(rows.rows) - sum(len(p.rows) for p in rows.packs)
    from_packs = "".join(f", pack {p.name} ({len(p.rows)}: {p.folder})" for p in rows.packs)
    return [
        f"scanprops: verifying {what}{missing}",
        f"scanprops: rows: {built_in} built-in{from_packs}",
        f"scanprops: jax {env['jax']}, jaxlib {env['jaxlib']}, flax {env['flax']}, backend {env['backend']} "
        f"with {env['devices']} device(s) {env['device_kinds']}; hypothesis profile '{state.profile}'",
        "scanprops: compile cache " + ("off" if state.limits.cache is None else
                                       f"{Path(state.limits.cache.judge).parent} (--compile-cache=off to turn it off)"),
        *_sandbox_lines(state.sandbox)[:1],
    ]


@pytest.fixture(scope="session")
def seam(request):
    from scanprops.seam import Seam

    state = _state(request.config)
    return Seam(isolation.module_ref(state.resolved, state.spec), state.spec, provided=state.provided,
                signature_problems=state.signature_problems, catalog=state.rows.rows)


@pytest.fixture
def under_test(problem, seam, request):
    """The seam, once the function exists and its signature fits; else missing or failed."""
    from scanprops.failure import plain

    if not seam.provides(problem.name):
        pytest.skip(f"missing: {seam.label} does not define {problem.name}")
    limits = _state(request.config).limits
    left = limits.left_s()
    if left is not None and left <= 0:
        raise isolation.BudgetSpent(f"{problem.name}: {limits.spent_text()}")
    why = seam.signature_problem(problem.name)
    if why:
        raise plain(problem.name, "signature", None, "the function cannot be called as the catalog does",
                    f"  {why}")
    return seam


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Show a PropertyFailure as its message (no traceback) and tag the report for the JSON."""
    outcome = yield
    rep = outcome.get_result()
    if call.excinfo is not None and isinstance(call.excinfo.value, PropertyFailure):
        failure = call.excinfo.value
        more = _failure_fields(item.config, failure)
        rep.longrepr = failure.text + (f"\n{printed_block(more['printed'])}" if more.get("printed") else "")
        rep.user_properties.append((KEY, json.dumps(
            {"kind": "property", "message": failure.text, "counterexample": failure.counterexample, **more})))
    elif call.excinfo is not None and isinstance(call.excinfo.value, isolation.SubmissionError):
        text = f"{item.callspec.params['problem'].name if hasattr(item, 'callspec') else item.name}: " \
               f"{call.excinfo.value}"
        rep.longrepr = text
        rep.user_properties.append((KEY, json.dumps({"kind": "error", "message": text, "counterexample": ""})))


def printed_block(printed: str) -> str:
    """What the submission printed, under its failure, marked as its own (a claim, never judged)."""
    body = "\n".join("    " + line for line in printed.split("\n"))
    return "  printed:   the submission's own output during the failing call (shown, not judged)\n" + body


def _failure_fields(config, failure: PropertyFailure) -> dict:
    """The report's fields beyond the message (scanprops/evidence.py): the values, the first
    divergence, what the submission printed, the reproduction script. Only for a failure."""
    state = config.stash.get(_STATE, None)
    printed = ""
    if state is not None and failure.case is not None:
        try:
            printed = isolation.executor().printed(isolation.module_ref(state.resolved, state.spec),
                                                   failure.problem, failure.case)
        except Exception:  # noqa: BLE001  (shown when it can be; never in the way of the verdict)
            printed = ""
    script = ""
    if state is not None and failure.case is not None:
        from scanprops.catalog import BY_NAME

        try:
            script = repro.script(failure, BY_NAME[failure.problem], state.resolved)
        except Exception as exc:  # noqa: BLE001  (a script is a help; the failure stands without one)
            script = f"# no reproduction script for this failure: {type(exc).__name__}: {exc}\n"
    return evidence.fields(failure, printed=printed, repro=script)


def _entry(rep) -> dict | None:
    tagged = dict(rep.user_properties).get(KEY)
    if rep.passed:
        return {"verdict": "pass", "message": "", "counterexample": ""}
    if rep.skipped:
        text = rep.longrepr[-1] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
        return {"verdict": "skipped", "message": str(text).replace("Skipped: ", ""), "counterexample": ""}
    text = str(rep.longrepr)
    if tagged:
        data = json.loads(tagged)
        verdict = "error" if data.get("kind") == "error" else "fail"
        extra = {k: data[k] for k in evidence.FIELDS if k in data}
        return {"verdict": verdict, "message": data["message"], "counterexample": data["counterexample"], **extra}
    if "Timeout" in text:
        return {"verdict": "fail", "message": "the call did not finish within the time limit (it may hang)",
                "counterexample": ""}
    return {"verdict": "error", "message": text[-4000:], "counterexample": ""}


def property_test(nodeid: str) -> tuple[str, str] | None:
    """(row, family) of a property test's node id (props/test_properties.py::test_property[id], the
    id made by Family.test_id), None for any other test. A report names its test by node id only
    (xdist's report of a crashed worker carries nothing else)."""
    path, _, name = nodeid.rpartition("::")
    if Path(path).name != TEST_MODULE or not (name.startswith("test_property[") and name.endswith("]")):
        return None
    found = split_test_id(name[len("test_property["):-1])
    return None if found is None else (found[1], found[0])


class ResultCollector:
    """Controller side: gathers every property verdict, whichever process ran it."""

    def __init__(self, config):
        self.config = config

    def pytest_runtest_logreport(self, report):
        which = property_test(report.nodeid)
        if which is None:
            return
        problem, family = which
        # "call", a failed or skipped set-up or teardown, and xdist's report for a crashed
        # worker (when == "???"): everything but a passing set-up or teardown.
        if report.when == "call" or not report.passed:
            _state(self.config).results.setdefault(problem, {})[family] = _entry(report)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session, exitstatus):
    """Stop this process's sandboxed child first (nothing of the submission outlives the run),
    then, in the controller, compute the report, make the exit status agree with it, write it."""
    isolation.close()
    config = session.config
    if _is_worker(config) or _STATE not in config.stash:
        return
    state = _state(config)
    missing = state.missing if state.chosen is None else state.missing & state.chosen  # not asked: skipped
    full = report.build(state.spec, state.rows.names, state.results, missing, _environment(state))
    status = int(session.exitstatus)
    if status not in (0, 5) and full["verdict"] == "pass":  # fail closed: never a pass by accident
        full["verdict"] = "error"
        full["error"] = f"pytest ended with exit status {status} although no property failed"
    if full["verdict"] != "pass" and status in (0, 5):  # and never a zero exit beside a failing report
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    state.final = full
    if config.getoption("scan_report"):
        report.write(config.getoption("scan_report"), full)
    if config.getoption("scan_repro"):
        state.repro_files = write_repro_scripts(config.getoption("scan_repro"), full)


def write_repro_scripts(folder: str, full: dict) -> list[Path]:
    """The report's reproduction scripts as files in `folder`, one per failing property."""
    written = []
    for name, entry in full["problems"].items():
        for family, prop in entry["properties"].items():
            if prop.get("repro"):
                written.append(repro.write(folder, name, family, prop["repro"]))
    return written


def summary(config) -> tuple[str, list[str]] | None:
    """The run's summary: (title, lines), every function's verdict and the overall one; None
    when no property of the catalog ran (e.g. only the harness's own tests) or in a worker.
    `scanprops check` prints it too (scanprops/console.py)."""
    if _is_worker(config) or _STATE not in config.stash:
        return None
    state = _state(config)
    full = state.final
    if full is None:
        return None
    if not state.results and not state.missing:
        return None
    lines = []
    absent = [name for name, entry in full["problems"].items() if entry["verdict"] == "missing"]
    for name, entry in full["problems"].items():
        props = entry["properties"]
        if entry["verdict"] in ("skipped", "missing"):
            continue  # deselected (-k, --functions): nothing to say; missing: one line below
        failed = [f for f, e in props.items() if e["verdict"] in ("fail", "error")]
        detail = (f"  ({', '.join(failed)})" if failed else
                  f"  ({len(props)} properties)" if entry["verdict"] == "pass" else "")
        lines.append(f"  {entry['verdict']:<8} {name}{detail}")
    if absent:
        lines.append(f"  missing  {', '.join(absent)}  (not defined by the module)")
    for line in _sandbox_lines(state.sandbox)[1:]:
        lines.append(f"  {line}")
    if state.repro_files:
        lines.append(f"  reproduction scripts: {len(state.repro_files)} in {Path(state.repro_files[0]).parent} "
                     "(python FILE reruns one failure outside the harness)")
    lines.append(f"  verdict: {full['verdict']}")
    return f"scanprops: {state.spec}", lines


def report_of(config) -> dict | None:
    """The run's JSON report, once the controller computed it (None before, or in a worker)."""
    state = config.stash.get(_STATE, None)
    return None if state is None or _is_worker(config) else state.final


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    found = summary(config)
    if found is None:
        return
    title, lines = found
    terminalreporter.section(title)
    for line in lines:
        terminalreporter.write_line(line)
