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


def grade_all(folder: Path, out: Path) -> dict[str, dict]:
    """Every module of the pack, copied into `folder` and graded once into `out`: {name: report}."""
    for path in CORRECT + WRONG:
        shutil.copyfile(path, folder / path.name)
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "grade", str(folder), "--out", str(out),
                           "--catalog", str(PACK), "--catalog-only", "--jobs", "2"],
                          capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return {p.stem: json.loads((out / p.stem / "report.json").read_text()) for p in CORRECT + WRONG}


def faults_of_correct(report: dict) -> list[str]:
    """What keeps a correct module's report from passing everything ([] when it does)."""
    faults = [] if report["verdict"] == "pass" else [f"verdict {report['verdict']}"]
    for name, problem in report["problems"].items():
        bad = {f: p["verdict"] for f, p in problem["properties"].items() if p["verdict"] != "pass"}
        if problem["verdict"] != "pass" or not problem["properties"] or bad:
            faults.append(f"{name}: {problem['verdict']} {bad}")
    return faults


def faults_of_wrong(report: dict, bug: dict) -> list[str]:
    """What keeps a wrong module's report from showing exactly its BUG ([] when it does)."""
    properties = report["problems"][bug["function"]]["properties"]
    caught = properties.get(bug["caught_by"], {"verdict": "not run", "message": ""})
    faults = [] if report["verdict"] == "fail" else [f"verdict {report['verdict']}"]
    if caught["verdict"] != "fail":
        faults.append(f"{bug['caught_by']} is {caught['verdict']}, not fail")
    elif bug["pitfall"] not in caught["message"]:
        faults.append(f"{bug['caught_by']}'s message lacks {bug['pitfall']!r}: {caught['message'][:500]}")
    faults += [f"{f} is {properties[f]['verdict']}, not pass" for f in bug["passes"]
               if properties[f]["verdict"] != "pass"]
    faults += [f"{n} is {p['verdict']}, not missing" for n, p in report["problems"].items()
               if n != bug["function"] and p["verdict"] != "missing"]
    return faults


def test_the_pack_proves_both_directions(tmp_path):
    """One grading run (one test, so that a parallel run grades the class once): the correct
    modules pass everything, each wrong one fails exactly as its BUG says."""
    folder, out = tmp_path / "submissions", tmp_path / "grades"
    folder.mkdir()
    reports = grade_all(folder, out)
    faults = [f"{p.stem}: {f}" for p in CORRECT for f in faults_of_correct(reports[p.stem])]
    faults += [f"{p.stem}: {f}" for p in WRONG for f in faults_of_wrong(reports[p.stem], bug_of(p))]
    rows = reports[CORRECT[0].stem]["problems"]
    wrong_per_row = {name: sum(bug_of(p)["function"] == name for p in WRONG) for name in rows}
    faults += [f"{name}: {n} wrong module(s); each row needs two" for name, n in wrong_per_row.items() if n < 2]
    faults += [] if len(CORRECT) >= 2 else ["no alternative: alt/ needs a correct module in another style"]
    assert not faults, "\n".join(faults)
