"""`scanprops grade`, `merge` and the bundles, end to end, the way a course grader uses them: a
folder of submissions (correct ones in other styles, known-wrong ones, hostile ones), every
verdict right, every platform file valid against its published format, and a second run that
grades nothing again.

The runs are restricted to two cheap functions (`--functions activation,safe_divide`) so the
test stays short; the mechanism is the one a whole-catalog run uses.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import pytest

from scanprops import submissions
from scanprops.results.platforms import BY_NAME, PLATFORMS

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = "activation,safe_divide"
FAST = {"SCANPROPS_IMPORT_DEADLINE": "10", "SCANPROPS_CALL_DEADLINE": "5"}


def scanprops(*args, cwd, env=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "scanprops.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **FAST, **(env or {})}, timeout=timeout)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """Seven submissions, in the forms graders meet: files (some linked from the harness's own
    proof material) and a folder holding one solution module."""
    folder = tmp_path_factory.mktemp("classroom")
    (folder / "carol").mkdir()  # a learner's own file, outside the harness: fully untrusted
    shutil.copyfile(ROOT / "impls/alt/activation_select_all.py", folder / "carol" / "solution.py")
    links = {"alice.py": "impls/alt/safe_divide_double_where.py",
             "bob.py": "impls/wrong/activation_clips_input.py",
             "dave.py": "impls/wrong/safe_divide_tiny_divisor.py"}
    for name, target in links.items():
        (folder / name).symlink_to(ROOT / target)
    shutil.copyfile(ROOT / "tests/abuse/exit_at_import.py", folder / "erin.py")
    shutil.copyfile(ROOT / "tests/abuse/hang_at_import.py", folder / "frank.py")
    shutil.copyfile(ROOT / "tests/abuse/tamper_jax_grad_at_import.py", folder / "gina.py")
    return folder


EXPECTED = {  # submission: (verdict, {function: verdict})
    "alice": ("pass", {"safe_divide": "pass", "activation": "missing"}),
    "bob": ("fail", {"activation": "fail", "safe_divide": "missing"}),
    "carol": ("pass", {"activation": "pass", "safe_divide": "missing"}),
    "dave": ("fail", {"safe_divide": "fail", "activation": "missing"}),
    "erin": ("error", {"activation": "error", "safe_divide": "error"}),  # exits while imported
    "frank": ("error", {"activation": "error", "safe_divide": "error"}),  # hangs while imported
    "gina": ("error", {"activation": "error", "safe_divide": "error"}),  # replaces jax.grad
}


@pytest.fixture(scope="module")
def graded(classroom, tmp_path_factory):
    out = tmp_path_factory.mktemp("grades")
    start = time.monotonic()
    run = scanprops("grade", str(classroom), "--out", str(out), "--functions", FUNCTIONS, "--jobs", "2",
                    cwd=tmp_path_factory.mktemp("elsewhere"))
    return out, run, time.monotonic() - start


def test_every_submission_gets_the_right_verdict(graded):
    out, run, _ = graded
    assert run.returncode == 0, run.stdout + run.stderr
    rows = {r["submission"]: r for r in json.loads((out / "grades.json").read_text())["submissions"]}
    assert {name: (r["verdict"], r["functions"]) for name, r in rows.items()} == EXPECTED, run.stdout
    assert "could not import" in rows["erin"]["error"] or "exit" in rows["erin"]["error"], rows["erin"]
    assert "did not finish" in rows["frank"]["error"] or "import" in rows["frank"]["error"], rows["frank"]


def test_scores_follow_the_default_points(graded):
    out, _, _ = graded
    rows = {r["submission"]: r for r in json.loads((out / "grades.json").read_text())["submissions"]}
    assert rows["alice"]["score"] == 1 and rows["carol"]["score"] == 1  # one of the two functions each
    assert rows["bob"]["score"] == 0 and rows["erin"]["score"] == 0
    assert all(r["max_score"] == 2 for r in rows.values())  # the two functions asked for


def test_the_csv_has_one_row_per_submission_and_a_column_per_function(graded):
    out, _, _ = graded
    with open(out / "grades.csv") as handle:
        table = list(csv.DictReader(handle))
    assert [r["submission"] for r in table] == sorted(EXPECTED)
    assert {r["submission"]: r["activation"] for r in table} == {
        n: f["activation"] for n, (_, f) in EXPECTED.items()}


@pytest.mark.parametrize("platform", [p.name for p in PLATFORMS])
def test_every_result_file_is_valid_for_its_platform(graded, platform):
    out, _, _ = graded
    schema = json.loads(BY_NAME[platform].schema.read_text())
    for name in EXPECTED:
        data = json.loads((out / name / f"{platform}.json").read_text())
        jsonschema.validate(data, schema)
        json.loads((out / name / "report.json").read_text())  # and the JSON report (docs/contract.md) beside it


def test_a_second_run_grades_nothing_again_but_a_changed_file(graded, classroom, tmp_path):
    out, first, first_s = graded
    changed = tmp_path / "classroom"
    shutil.copytree(classroom, changed, symlinks=True)
    (changed / "carol" / "solution.py").write_text((changed / "carol" / "solution.py").read_text() + "\n# edited\n")
    start = time.monotonic()
    again = scanprops("grade", str(changed), "--out", str(out), "--functions", FUNCTIONS, "--jobs", "2",
                      cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    rows = {r["submission"]: r for r in json.loads((out / "grades.json").read_text())["submissions"]}
    assert [n for n, r in rows.items() if not r["cached"]] == ["carol"]
    assert {n: r["verdict"] for n, r in rows.items()} == {n: v for n, (v, _) in EXPECTED.items()}
    assert time.monotonic() - start < first_s, "the stored grades were not reused"


def test_shards_partition_the_class_and_merge_puts_them_back(tmp_path):
    subs = [submissions.Submission(f"student{i:03d}", tmp_path / f"s{i}.py") for i in range(200)]
    shards = [[s for s in subs if submissions.in_shard(s, i, 7)] for i in range(1, 8)]
    assert sorted(s.name for shard in shards for s in shard) == [s.name for s in subs]
    assert all(shards), "every shard of 7 gets some of 200 submissions"
    for i, shard in enumerate(shards):  # two folders graded apart, then merged
        folder = tmp_path / f"shard{i}"
        folder.mkdir()
        rows = [{"submission": s.name, "module": str(s.module), "verdict": "pass", "score": 1, "max_score": 1,
                 "seconds": 1.0, "functions": {"ema": "pass"}, "cached": False, "error": ""} for s in shard]
        (folder / "grades.json").write_text(json.dumps({"harness": "h", "submissions": rows}))
    merged = scanprops("merge", *(str(tmp_path / f"shard{i}") for i in range(7)), "--out", str(tmp_path / "all"),
                       cwd=tmp_path)
    assert merged.returncode == 0, merged.stderr
    names = [r["submission"] for r in json.loads((tmp_path / "all" / "grades.json").read_text())["submissions"]]
    assert names == [s.name for s in subs]


@pytest.mark.parametrize("bad, says", [("1/0", "expected i/n"), ("0/3", "expected i/n"), ("4/3", "expected i/n"),
                                       ("x", "expected i/n")])
def test_a_malformed_shard_is_refused(bad, says):
    with pytest.raises(submissions.SubmissionsError, match=says):
        submissions.parse_shard(bad)


def test_submissions_are_found_in_every_form_a_grader_has(tmp_path):
    (tmp_path / "one.py").write_text("")
    (tmp_path / "folder_of_one").mkdir()
    (tmp_path / "folder_of_one" / "main.py").write_text("")
    (tmp_path / "class").mkdir()
    for who in ("ann", "ben"):
        (tmp_path / "class" / who).mkdir()
        (tmp_path / "class" / who / "solution.py").write_text("")
        (tmp_path / "class" / who / "notes.txt").write_text("")
    (tmp_path / "class" / "cy.py").write_text("")
    found = submissions.discover([str(tmp_path / "one.py"), str(tmp_path / "folder_of_one"),
                                  str(tmp_path / "class")])
    assert [(s.name, s.module.name) for s in found] == [
        ("ann", "solution.py"), ("ben", "solution.py"), ("cy", "cy.py"), ("folder_of_one", "main.py"),
        ("one", "one.py")]
    assert [s.name for s in submissions.discover([str(tmp_path / "class" / "*")])] == ["ann", "ben", "cy"]
    with pytest.raises(submissions.SubmissionsError, match="no such file"):
        submissions.discover([str(tmp_path / "nobody")])
    with pytest.raises(submissions.SubmissionsError, match="holds no submission"):
        submissions.discover([str(tmp_path / "class")], module="missing.py")


def test_check_runs_from_any_folder_and_leaves_missing_functions_out(tmp_path):
    shutil.copyfile(ROOT / "impls/alt/activation_select_all.py", tmp_path / "mine.py")
    run = scanprops("check", "mine.py", "--jobs", "0", "--functions", FUNCTIONS, "--report", "r.json", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "missing  safe_divide" in run.stdout and "pass     activation" in run.stdout
    assert " skipped" not in run.stdout  # no skip mark per test of a missing function
    found = json.loads((tmp_path / "r.json").read_text())
    assert found["problems"]["safe_divide"]["verdict"] == "missing"


def test_check_says_plainly_when_the_file_is_not_there(tmp_path):
    run = scanprops("check", "nowhere.py", cwd=tmp_path)
    assert run.returncode != 0 and "nowhere.py: no such file" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("command", ["check", "grade", "pytest"])
def test_an_unknown_function_name_is_one_line_naming_the_known_ones(tmp_path, command):
    """One parser of --functions (scanprops.catalog.function_names) for check, grade and the plugin."""
    (tmp_path / "solutions.py").write_text("def ema(xs, alpha=0.1):\n    return xs\n")
    args = ["--functions", "ema,emma", "--time-budget", "60"]
    run = (subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "--impl", "solutions.py", *args],
                          cwd=tmp_path, capture_output=True, text=True, env={**os.environ, **FAST}, timeout=600)
           if command == "pytest" else scanprops(command, "solutions.py", *args, "--out", "g", cwd=tmp_path)
           if command == "grade" else scanprops(command, "solutions.py", *args, cwd=tmp_path))
    text = run.stdout + run.stderr
    assert run.returncode not in (0, None), text
    assert "emma is not in the catalog" in text and "scan_training_step" in text and "Traceback" not in text, text


def test_the_gradescope_bundle_has_its_two_scripts_at_the_root(tmp_path):
    (tmp_path / "points.toml").write_text("points = 0\n[functions.ema]\npoints = 2\n")
    run = scanprops("gradescope-bundle", "--out", str(tmp_path / "gs"), "--config", str(tmp_path / "points.toml"),
                    "--harness", "scanprops @ git+https://example.org/scanprops@v0.1.0", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(tmp_path / "gs.zip") as zipped:
        names = zipped.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in zipped.infolist()}
    assert {"setup.sh", "run_autograder", "points.toml"} <= set(names) and all("/" not in n for n in names)
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    script = (tmp_path / "gs" / "run_autograder").read_text()
    assert "grade /autograder/submission" in script and "/autograder/results/results.json" in script
    for name in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(tmp_path / "gs" / name)]).returncode == 0


def test_the_prairielearn_bundle_names_its_entrypoint(tmp_path):
    run = scanprops("prairielearn-bundle", "--out", str(tmp_path / "pl"), "--harness", "scanprops==0.1.0",
                    cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    info = json.loads((tmp_path / "pl" / "info-snippet.json").read_text())
    assert info["externalGradingOptions"]["entrypoint"] == "/scanprops/run.sh"
    assert "/grade/results/results.json" in (tmp_path / "pl" / "run.sh").read_text()
    assert subprocess.run(["bash", "-n", str(tmp_path / "pl" / "run.sh")]).returncode == 0


@pytest.mark.parametrize("platform", [p.name for p in PLATFORMS if p.bundle is not None])
def test_a_bundle_that_graded_nothing_still_writes_a_valid_result(tmp_path, platform):
    """No result file (the submission folder was empty, the harness did not start): the bundle's
    fallback, run by the image's own python3, writes the platform's file with score 0 and the log."""
    run = scanprops(f"{platform}-bundle", "--out", str(tmp_path / "b"), "--harness", "scanprops==0.1.0", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    script = next(p for p in (tmp_path / "b").iterdir() if p.name in ("run_autograder", "run.sh")).read_text()
    function = script[script.index("write_fallback() {"):]
    function = function[:function.index("\n}\n") + 3]
    (tmp_path / "log.txt").write_text('ImportError: no module named "jax" \\ at line 3\n')
    done = subprocess.run(["bash", "-c", function + "write_fallback out.json log.txt"], cwd=tmp_path)
    assert done.returncode == 0
    data = json.loads((tmp_path / "out.json").read_text())
    jsonschema.validate(data, json.loads(BY_NAME[platform].schema.read_text()))
    assert data["score"] == 0 and 'ImportError: no module named "jax" \\ at line 3\n' in data["output"]
