"""A problem pack's proof, through the command line alone: the reference and the alternatives
pass every property of every function, each known-wrong module fails the property its BUG names
(with its pitfall's words) and still passes the ones it lists, every row has two wrong modules and
the pack an alternative. Every module is copied out of the pack first and graded as a learner's
file is (`scanprops grade --catalog PACK --catalog-only`), so the sandbox that refuses the pack's
folder to submissions is the one they run in. A pack's tests/test_pack.py calls `faults` (the
example pack's, and the one `scanprops new-problem` writes).

>>> faults(Path("examples/scan_pack"), work=Path(tempfile.mkdtemp()))  # doctest: +SKIP
[]
"""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["faults", "bug_of"]


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def bug_of(path: Path) -> dict:
    """A wrong module's BUG, read from its source (a literal: the module is a learner's file, so it
    is never imported here)."""
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "BUG" for t in node.targets):
            return ast.literal_eval(node.value)
    raise ValueError(f"{path.name} declares no BUG")


def _grade_all(pack: Path, modules: list[Path], work: Path, jobs: int, timeout: float) -> dict[str, dict]:
    """Every module copied into work/submissions and graded once into work/grades: {name: report}."""
    folder, out = work / "submissions", work / "grades"
    folder.mkdir(parents=True, exist_ok=True)
    for path in modules:
        shutil.copyfile(path, folder / path.name)
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "grade", str(folder), "--out", str(out),
                           "--catalog", str(pack), "--catalog-only", "--jobs", str(jobs)],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"scanprops grade failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return {p.stem: json.loads((out / p.stem / "report.json").read_text()) for p in modules}


def _faults_of_correct(report: dict) -> list[str]:
    faults = [] if report["verdict"] == "pass" else [f"verdict {report['verdict']}"]
    for name, problem in report["problems"].items():
        bad = {f: p["verdict"] for f, p in problem["properties"].items() if p["verdict"] != "pass"}
        if problem["verdict"] != "pass" or not problem["properties"] or bad:
            faults.append(f"{name}: {problem['verdict']} {bad}")
    return faults


def _faults_of_wrong(report: dict, bug: dict) -> list[str]:
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


def faults(pack: Path, *, work: Path, jobs: int = 2, timeout: float = 1500) -> list[str]:
    """Everything that keeps the pack at `pack` from proving both directions ([] when it does),
    grading its modules in the folder `work` (one grading run for all of them)."""
    pack = Path(pack).resolve()
    correct = [pack / "reference.py", *_modules(pack / "alt")]
    wrong = _modules(pack / "wrong")
    reports = _grade_all(pack, correct + wrong, Path(work), jobs, timeout)
    found = [f"{p.stem}: {f}" for p in correct for f in _faults_of_correct(reports[p.stem])]
    found += [f"{p.stem}: {f}" for p in wrong for f in _faults_of_wrong(reports[p.stem], bug_of(p))]
    rows = reports[correct[0].stem]["problems"]
    wrong_per_row = {name: sum(bug_of(p)["function"] == name for p in wrong) for name in rows}
    found += [f"{name}: {n} wrong module(s); each row needs two" for name, n in wrong_per_row.items() if n < 2]
    found += [] if len(correct) >= 2 else ["no alternative: alt/ needs a correct module in another style"]
    return found
