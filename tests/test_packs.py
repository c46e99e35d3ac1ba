"""Problem packs (scanprops/pack.py, scanprops/packs.py, docs/problem-packs.md): a row's load-time
validation says what is wrong with it; a pack's rows run beside the built-in ones or alone under
pytest, `scanprops check` and a bundle; a name clash is refused; and a submission never reads a
pack's answer key (its effect checked from outside, as tests/test_abuse.py does)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from scanprops import packs
from scanprops.catalog import CATALOG
from scanprops.pack import Allowance, Case, Out, RowError, row, validate
from tests.layers import require

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "examples" / "scan_pack"
PACK_ROWS = ["prefix_max", "momentum_descent", "power_iteration"]
QUICK = {"SCANPROPS_CALL_DEADLINE": "20"}


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))}
    return {**env, **extra}


def _pytest(*args, cwd=ROOT, timeout=600):
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-n", "0", *args], cwd=cwd,
                          env=_env(), capture_output=True, text=True, timeout=timeout)


def _verdicts(report: dict) -> list[str]:
    found = [report["verdict"]]
    for problem in report["problems"].values():
        found += [problem["verdict"], *(p["verdict"] for p in problem["properties"].values())]
    return found


# --- validation -------------------------------------------------------------------------------------
@pytest.mark.parametrize("problem", CATALOG, ids=lambda p: p.name)
def test_every_built_in_row_passes_validation(problem):
    validate(problem)  # the checks find nothing wrong with rows the harness already verifies


def _double(xp, x):
    return 2.0 * x


def test_validation_names_every_fault_of_a_row():
    bad = row(name="double", signature="twice(x, y=abc)", oracle=_double, cases=lambda: None,
              out=Out((3,)), allowance=Allowance(1, 1, 1.0), edge_cases=(Case.of(x=np.float32(1.0)),))
    with pytest.raises(RowError) as raised:
        validate(bad)
    assert "twice(x, y=abc)" in str(raised.value) and "not a literal" in str(raised.value)

    inconsistent = row(name="double", signature="double(x)", oracle=_double, cases=lambda: None,
                       out=Out((3,)), allowance=1.0, static=("n",), differentiable=("x",),
                       edge_cases=(Case.of(x=np.float32(1.0)), Case.of(y=np.float32(1.0))))
    with pytest.raises(RowError) as raised:
        validate(inconsistent)
    text = str(raised.value)
    for words in ("static names n, which the signature 'double(x)' lacks",
                  "cases must accept the keyword arguments length=None and like=None"):
        assert words in text, text
    fixed = row(name="double", signature="double(x)", oracle=_double, cases=lambda length=None, like=None: None,
                out=Out((3,)), allowance=1.0, edge_cases=(Case.of(x=np.float32(1.0)), Case.of(y=np.float32(1.0))))
    with pytest.raises(RowError) as raised:
        validate(fixed)
    text = str(raised.value)
    for words in ("cases() returned NoneType, not a Hypothesis strategy",):
        assert words in text, text


def test_validation_checks_the_oracle_out_and_budget_against_each_other():
    from hypothesis import strategies as st

    def cases(length=None, like=None):
        return st.just(Case.of(x=np.ones(2, np.float32)))

    wrong = row(name="double", signature="double(x)", oracle=_double, cases=cases, out=Out((3,)), allowance=1.0,
                edge_cases=(Case.of(x=np.ones(2, np.float32)), Case.of(y=np.ones(2, np.float32))))
    with pytest.raises(RowError) as raised:
        validate(wrong)
    text = str(raised.value)
    for words in ("the oracle on edge_cases[0] returns shape (2,), out says (3,)",
                  "allowance(edge_cases[0]) is a float, not an Allowance",
                  "edge_cases[1] has the arguments (y), the signature (x)"):
        assert words in text, text
    right = row(name="double", signature="double(x)", oracle=_double, cases=cases,
                out=lambda case: Out(case["x"].shape), allowance=Allowance(1, 1, 2.0),
                edge_cases=(Case.of(x=np.ones(2, np.float32)),))
    validate(right)


# --- loading ----------------------------------------------------------------------------------------
TINY_PACK = '''
import numpy as np
from hypothesis import strategies as st
from scanprops.pack import Allowance, Case, Out, row


def cases(length=None, like=None):
    return st.just(Case.of(xs=np.ones(3, np.float32)))


ROWS = (row(name="{NAME}", signature="{NAME}(xs)", oracle=lambda xp, xs: 2.0 * xs, cases=cases,
            out=lambda case: Out(case["xs"].shape), allowance=Allowance(1, 1, 2.0),
            edge_cases=(Case.of(xs=np.ones(3, np.float32)),)),)
'''


def _tiny_pack(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(TINY_PACK.replace("{NAME}", name))
    return folder


def test_a_pack_loads_beside_the_built_in_rows_or_alone(tmp_path):
    pack = _tiny_pack(tmp_path / "tiny_pack_a", "doubled")
    beside = packs.load([str(pack)])
    assert beside.names == [p.name for p in CATALOG] + ["doubled"]
    assert beside.origin("doubled") == "tiny_pack_a" and beside.origin("ema") == packs.BUILT_IN
    alone = packs.load([str(pack)], only=True)
    assert alone.names == ["doubled"]
    assert str(pack.resolve()) in __import__("scanprops.isolation").isolation.answer_keys()


def test_a_row_name_that_is_taken_is_refused(tmp_path):
    pack = _tiny_pack(tmp_path / "tiny_pack_b", "running_sum")
    with pytest.raises(packs.PackError, match="row 'running_sum' is already defined by the built-in catalog"):
        packs.load([str(pack)])
    packs.load([str(pack)], only=True)  # alone, the name is free
    other = _tiny_pack(tmp_path / "tiny_pack_c", "running_sum")
    with pytest.raises(packs.PackError, match="already defined by pack tiny_pack_b"):
        packs.load([str(pack), str(other)], only=True)


@pytest.mark.parametrize("given,words", [
    ("nowhere/at_all", "no such folder"),
    ("solo.py", "a pack is a package"),
    ("not_a_pack", "has no __init__.py"),
    ("no_rows", "defines no ROWS"),
    ("keyword", "is a module, not a package"),
    ("email", "defines no ROWS"),
])
def test_a_pack_that_cannot_be_loaded_says_why(tmp_path, given, words):
    (tmp_path / "solo.py").write_text("ROWS = ()\n")
    (tmp_path / "not_a_pack").mkdir()
    (tmp_path / "no_rows").mkdir()
    (tmp_path / "no_rows" / "__init__.py").write_text("X = 1\n")
    with pytest.raises(packs.PackError, match=words):
        packs.load([given], base=tmp_path)
    import email  # a library's folder that turned out to be no pack stays readable to the children

    from scanprops import isolation

    assert str(Path(email.__file__).resolve().parent) not in isolation.answer_keys()
    with pytest.raises(packs.PackError, match="name at least one pack"):
        packs.load([], only=True)


# --- the command line -------------------------------------------------------------------------------
def test_pytest_runs_a_packs_rows_beside_the_built_in_ones(tmp_path):
    report = tmp_path / "report.json"
    done = _pytest("--impl", str(PACK / "reference.py"), "--catalog", str(PACK), "-k", "oracle and prefix_max",
                   "--scan-report", str(report))
    assert done.returncode == 0, done.stdout[-3000:]
    found = json.loads(report.read_text())
    assert list(found["problems"]) == [p.name for p in CATALOG] + PACK_ROWS
    assert found["problems"]["prefix_max"]["properties"]["oracle"]["verdict"] == "pass"
    assert found["problems"]["ema"]["verdict"] == "missing"  # the pack's reference defines only its own


def test_pytest_catalog_only_and_a_broken_pack(tmp_path):
    report = tmp_path / "report.json"
    done = _pytest("--impl", str(PACK / "reference.py"), "--catalog", str(PACK), "--catalog-only",
                   "-k", "shape and power_iteration", "--scan-report", str(report))
    assert done.returncode == 0, done.stdout[-3000:]
    found = json.loads(report.read_text())
    assert list(found["problems"]) == PACK_ROWS
    assert found["problems"]["power_iteration"]["verdict"] == "pass"
    clash = _tiny_pack(tmp_path / "clash_pack", "ema")
    done = _pytest("--catalog", str(clash), "-k", "oracle and ema")
    assert done.returncode == 4 and "row 'ema' is already defined by the built-in catalog" in done.stderr, done.stderr


def test_scanprops_check_with_a_catalog(tmp_path):
    learner = tmp_path / "mine.py"
    shutil.copyfile(PACK / "reference.py", learner)
    report = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "check", str(learner), "--catalog", str(PACK),
                           "--catalog-only", "--functions", "prefix_max", "-k", "oracle or jit", "--report",
                           str(report), "-j", "0"], cwd=tmp_path, env=_env(), capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    found = json.loads(report.read_text())
    assert set(found["problems"]["prefix_max"]["properties"]) == {"oracle", "jit"}
    assert {p["verdict"] for p in found["problems"]["prefix_max"]["properties"].values()} == {"pass"}
    assert found["problems"]["power_iteration"]["verdict"] == "skipped"


@pytest.mark.parametrize("platform", ["gradescope", "prairielearn"])
def test_a_bundle_ships_the_pack_and_names_it(tmp_path, platform):
    out = tmp_path / "bundle"
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", f"{platform}-bundle", "--out", str(out),
                           "--catalog", str(PACK), "--catalog-only", "--harness", "scanprops==0.1.0"],
                          cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    run = (out / ("run_autograder" if platform == "gradescope" else "run.sh")).read_text()
    assert "--catalog catalogs/scan_pack --catalog-only" in run
    assert (out / "catalogs" / "scan_pack" / "__init__.py").read_bytes() == (PACK / "__init__.py").read_bytes()
    assert not list((out / "catalogs").rglob("__pycache__"))
    if platform == "gradescope":
        names = zipfile.ZipFile(out.with_suffix(".zip")).namelist()
        assert "catalogs/scan_pack/oracles.py" in names and "run_autograder" in names
        # the shipped copy loads, as the platform's grade command will load it (in a process of its
        # own: this one has the original scan_pack imported)
        shipped = subprocess.run([sys.executable, "-c", "from scanprops import packs; print(packs.load("
                                  f"[{str(out / 'catalogs' / 'scan_pack')!r}], only=True).names)"],
                                 capture_output=True, text=True, env=_env(), timeout=120)
        assert shipped.stdout.strip() == repr(PACK_ROWS), shipped.stderr[-2000:]


# --- the answer key ---------------------------------------------------------------------------------
THIEF = '''"""Steals a problem pack's reference ({HOW}) and returns its answers: a pass only if it got them."""
import ctypes
import importlib
import os

import jax.numpy as jnp

PACK = "{PACK}"


def _python():
    try:
        source = open(os.path.join(PACK, "reference.py")).read()
        namespace = {}
        exec(compile(source, "stolen", "exec"), namespace)
        return namespace["prefix_max"]
    except Exception:
        pass
    try:
        return importlib.import_module("course_pack.reference").prefix_max
    except Exception:
        return None


def _native():
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.open(os.path.join(PACK, "reference.py").encode(), os.O_RDONLY)
    if fd < 0:
        return None
    buffer = ctypes.create_string_buffer(10**6)
    n = libc.read(fd, buffer, 10**6)
    namespace = {}
    exec(compile(buffer.raw[:max(n, 0)], "stolen", "exec"), namespace)
    return namespace.get("prefix_max")


STOLEN = {"python": _python, "native": _native}["{HOW}"]()


def prefix_max(xs):
    return STOLEN(xs) if STOLEN is not None else jnp.zeros_like(xs)
'''


@pytest.mark.parametrize("how", ["python", "native"])
def test_a_submission_cannot_read_a_packs_answer_key(tmp_path, how):
    """The pack lies in the submission's own folder (on its import path, where a copy of the
    course's files might sit): open(), importlib and libc's open all fail to reach its reference,
    so the stolen answers never come back and nothing passes."""
    if how == "native":
        require("landlock")
    pack = tmp_path / "course_pack"
    shutil.copytree(PACK, pack, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    thief = tmp_path / "thief.py"
    thief.write_text(THIEF.replace("{PACK}", str(pack)).replace("{HOW}", how))
    report = tmp_path / "report.json"
    done = _pytest("--impl", str(thief), "--catalog", str(pack), "--catalog-only", "-k", "oracle and prefix_max",
                   "--scan-report", str(report), timeout=300)
    found = json.loads(report.read_text())
    assert done.returncode != 0, done.stdout[-3000:]
    assert "pass" not in _verdicts(found), json.dumps(found, indent=1)
    text = json.dumps(found)
    if how == "python":  # the audit hook names the attempt: the whole submission is an error
        assert found["verdict"] == "error", text[-2000:]
        assert "the answer key" in text and "course_pack" in text, text[-2000:]
    else:  # the kernel refuses the read (Landlock): the answers are wrong
        assert found["verdict"] == "fail", text[-2000:]
        assert "differs from the Python-loop oracle" in text


# --- the scaffold -----------------------------------------------------------------------------------
def test_new_problem_writes_a_skeleton_that_says_what_to_fill_in_and_passes_once_filled(tmp_path):
    from scanprops import scaffold

    pack = tmp_path / "course"
    scanprops = [sys.executable, "-m", "scanprops.cli"]
    done = subprocess.run([*scanprops, "new-problem", "running_total", "--pack", str(pack)], capture_output=True,
                          text=True, env=_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    for name in ("__init__.py", "running_total.py", "reference.py", "wrong/running_total_todo.py",
                 "alt/running_total_todo.py", "tests/test_pack.py"):
        assert (pack / name).is_file(), name
    assert (pack / "tests" / "test_pack.py").read_text() == (PACK / "tests" / "test_pack.py").read_text()
    again = subprocess.run([*scanprops, "new-problem", "running_total", "--pack", str(pack)], capture_output=True,
                           text=True, env=_env(), timeout=120)
    assert again.returncode == 4 and "already has the problem running_total" in again.stderr

    # As written, the row does not load, and says what to do first.
    with pytest.raises(packs.PackError, match="the oracle on edge_cases.0. .and on other inputs. raised "
                                              "NotImplementedError: running_total: write the oracle"):
        packs.load([str(pack)], only=True)

    # Filled in (the oracle, the reference), it loads and its reference passes.
    row_file = pack / "running_total.py"
    row_file.write_text(row_file.read_text().replace(
        '    raise NotImplementedError("running_total: write the oracle, a Python loop over xs")  # TODO',
        "    total, out = 0.0, []\n    for x in xs:\n        total = total + x\n        out.append(total)\n"
        "    return xp.stack(out) if out else xp.zeros((0,))"))
    reference = pack / "reference.py"
    reference.write_text(reference.read_text().replace(
        '    raise NotImplementedError("running_total: the reference solution")  # TODO: with lax.scan',
        "    return jax.lax.scan(lambda c, x: (c + x, c + x), jnp.zeros((), xs.dtype), xs)[1]"))
    assert packs.load([str(pack)], only=True).names == ["running_total"]
    report = tmp_path / "report.json"
    learner = tmp_path / "mine.py"
    shutil.copyfile(reference, learner)
    done = subprocess.run([*scanprops, "check", str(learner), "--catalog", str(pack), "--catalog-only",
                           "-k", "oracle or structure", "--report", str(report), "-j", "0"], capture_output=True,
                          text=True, env=_env(), timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    found = json.loads(report.read_text())["problems"]["running_total"]
    assert found["verdict"] == "pass" and set(found["properties"]) == {"oracle", "structure"}
    with pytest.raises(scaffold.ScaffoldError, match="not a function name"):
        scaffold.new_problem(name="class", pack=pack)


def test_a_points_file_grades_a_packs_functions(tmp_path):
    import argparse

    from scanprops import grading, points

    config = tmp_path / "points.toml"
    config.write_text("points = 0\n[functions.power_iteration]\npoints = 2\n[functions.momentum_descent.properties]\n"
                      "oracle = 1\ngrad = 3\n")
    args = argparse.Namespace(config=str(config), functions=None, catalog=[str(PACK)], catalog_only=False)
    plan, functions = grading.plan(args)
    assert functions == ["momentum_descent", "power_iteration"]
    assert plan.total == 6
    args.catalog = []
    with pytest.raises(points.ConfigError, match="power_iteration"):  # without the pack: an unknown function
        grading.plan(args)


def test_an_installed_pack_joins_every_run_through_its_entry_point(tmp_path, monkeypatch):
    site = tmp_path / "site"
    _tiny_pack(site / "course_ep_pack", "tripled_by_entry_point")
    info = site / "course_ep_pack-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: course-ep-pack\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[{packs.GROUP}]\ncourse = course_ep_pack\n")
    monkeypatch.syspath_prepend(str(site))
    rows = packs.load()
    assert rows.names[-1] == "tripled_by_entry_point" and rows.origin("tripled_by_entry_point") == "course_ep_pack"
    assert packs.load(["course"], only=True).names == ["tripled_by_entry_point"]  # by its entry point's name
    assert "tripled_by_entry_point" not in packs.load(installed=False).names
