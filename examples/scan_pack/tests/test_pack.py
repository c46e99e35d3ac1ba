"""The pack proves itself through the command line alone (no private name of the harness): the
reference and the alternative pass every property of every function, and each known-wrong
module fails the property its BUG names, with its pitfall's words, and still passes the ones it
lists. Every module is copied out of the pack first and graded as a learner's file would be
(`scanprops grade --catalog`), so the sandbox that refuses the pack's folder to submissions is the
one they run in."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACK = Path(__file__).resolve().parents[1]
WRONG = sorted(p for p in (PACK / "wrong").glob("*.py") if not p.name.startswith("_"))
CORRECT = [PACK / "reference.py", *sorted(p for p in (PACK / "alt").glob("*.py") if not p.name.startswith("_"))]


def bug_of(path: Path) -> dict:
    """A wrong module's BUG, read from its source (a literal: the module is a learner's file)."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "BUG" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} declares no BUG")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[str, dict]:
    """Every module of the pack, graded once: {module name: its report}."""
    folder = tmp_path_factory.mktemp("submissions")
    for path in CORRECT + WRONG:
        shutil.copyfile(path, folder / path.name)
    out = tmp_path_factory.mktemp("grades")
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "grade", str(folder), "--out", str(out),
                           "--catalog", str(PACK), "--catalog-only", "--jobs", "2"],
                          capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {p.stem: json.loads((out / p.stem / "report.json").read_text()) for p in CORRECT + WRONG}


@pytest.mark.parametrize("path", CORRECT, ids=lambda p: p.stem)
def test_correct_modules_pass_every_property(graded, path):
    report = graded[path.stem]
    assert report["verdict"] == "pass", json.dumps(report["problems"], indent=1)[:3000]
    for name, problem in report["problems"].items():
        assert problem["verdict"] == "pass", (name, problem)
        assert problem["properties"] and all(p["verdict"] == "pass" for p in problem["properties"].values())


@pytest.mark.parametrize("path", WRONG, ids=lambda p: p.stem)
def test_wrong_modules_fail_the_property_their_bug_names(graded, path):
    bug = bug_of(path)
    report = graded[path.stem]
    assert report["verdict"] == "fail", report
    properties = report["problems"][bug["function"]]["properties"]
    caught = properties[bug["caught_by"]]
    assert caught["verdict"] == "fail", (bug, caught)
    assert bug["pitfall"] in caught["message"], caught["message"]
    for family in bug["passes"]:
        assert properties[family]["verdict"] == "pass", (family, properties[family])
    others = [n for n, p in report["problems"].items() if n != bug["function"]]
    assert all(report["problems"][n]["verdict"] == "missing" for n in others)
