"""The version x row table of verdicts, and what changed between versions, from the matrix's
results (reports and golden values). Standard library only: runs under any Python 3.11+.

    python -m versions.compare                        # every pair with results, consecutive changes
    python -m versions.compare 0.4.38 0.5.3           # the pairs named (changes between them, in order)
    python -m versions.compare --results versions/results/my_solutions --markdown table.md

Prints (and with --markdown writes) Markdown:
1. per version, the environment that produced the results and the run's time;
2. the table of verdicts: a row per catalog function, a column per JAX version; where a
   property's verdict differs between versions, a line per property;
3. per pair of consecutive versions named, per row: the largest difference of the golden
   values in float32 ulps and in absolute terms, and its classification:
   - `same`: every bit equal (plain call and jit);
   - `random stream`: different, and the older version recorded with the newer one's default
     of `jax_threefry_partitionable` (or the newer with the older's) reproduces the other side
     within the rounding allowance: the PRNG changed, not the code;
   - `numerics`: every element within `allowed`, twice the harness's float32 rounding allowance
     for that input (what two correct float32 computations may differ by);
   - `values`: a change beyond that which the flag does not explain (look at it);
   - `API`: an error that appeared or went away, a changed output shape or dtype, a warning
     that appeared or went away, a changed signature of a JAX/Flax API the row's code calls;
   - `verdict`: the row's verdict or a property's verdict differs;
   - `missing`: the module does not define the function.

Exit status 0 when every version named has its report and golden values and every verdict is
pass; 1 otherwise (a pair that did not run end to end, or a failing property).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `versions` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from versions import codec  # noqa: E402
from versions.pairs import ADMITTED, FLAX_FOR, PAIRS, version_key  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_RESULTS = HERE / "results" / "reference"
FLIPPED = "threefry-flipped"
CLASS_ORDER = ("verdict", "API", "values", "random stream", "numerics", "same")


# --- loading ------------------------------------------------------------------------------------
@dataclass
class Version:
    jax: str
    report: dict | None = None
    golden: dict | None = None
    flipped: dict | None = None
    junit: dict = field(default_factory=dict)  # seconds, tests, failures, guard results
    timing: dict = field(default_factory=dict)  # the nox session's steps, seconds


def _junit(path: Path) -> dict:
    if not path.is_file():
        return {}
    root = ET.parse(path).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None:
        return {}
    guards = {"passed": 0, "failed": 0}
    for case in suite.iter("testcase"):
        if "test_version_guards" in (case.get("classname") or ""):
            bad = case.find("failure") is not None or case.find("error") is not None
            guards["failed" if bad else "passed"] += 1
    return {"seconds": float(suite.get("time", 0)), "tests": int(suite.get("tests", 0)),
            "failures": int(suite.get("failures", 0)) + int(suite.get("errors", 0)), "guards": guards}


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def load(results: Path, wanted: list[str]) -> list[Version]:
    names = wanted or [j for j, _ in PAIRS if (results / "reports" / f"jax-{j}.json").exists()
                       or (results / "golden" / f"jax-{j}.json").exists()]
    out = []
    for jax in sorted(names, key=version_key):
        out.append(Version(
            jax,
            report=_read(results / "reports" / f"jax-{jax}.json"),
            golden=_read(results / "golden" / f"jax-{jax}.json"),
            flipped=_read(results / "golden" / f"jax-{jax}-{FLIPPED}.json"),
            junit=_junit(results / "reports" / f"jax-{jax}-junit.xml"),
            timing=_read(results / "reports" / f"jax-{jax}-timing.json") or {},
        ))
    return out


# --- formatting helpers ---------------------------------------------------------------------------
def table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def fmt_ulps(u: float) -> str:
    if u == 0:
        return "0"
    if math.isinf(u):
        return "inf"
    return f"{u:.0f}" if u < 1e5 else f"{u:.1e}"


def _share(used: float) -> str:
    return f"{100 * used:.2g}%"


def _same_params(a: dict, b: dict) -> str:
    """Whether two recordings of a seeded row initialised bit-identical Flax parameters."""
    pa = [c.get("params_sha256") for c in a.get("cases", [])]
    pb = [c.get("params_sha256") for c in b.get("cases", [])]
    if not any(pa) or len(pa) != len(pb):
        return ""
    same = sum(1 for x, y in zip(pa, pb) if x and x == y)
    return f" (Flax parameters bit-identical in {same} of {len(pa)} cases)"


def fmt_abs(a: float) -> str:
    return "0" if a == 0 else "inf" if math.isinf(a) else f"{a:.2g}"


# --- section 1 and 2: environments and verdicts ----------------------------------------------------
def environments(versions: list[Version]) -> list[str]:
    rows = []

    def seconds(value) -> str:
        return f"{value:.0f}" if isinstance(value, (int, float)) else "-"

    for v in versions:
        env = (v.golden or {}).get("environment") or (v.report or {}).get("environment") or {}
        guards = v.junit.get("guards") or {}
        t = v.timing
        total = sum(t.get(k, 0) for k in ("install_s", "pytest_s", "golden_s", "flipped_s")) if t else None
        rows.append([v.jax, env.get("jaxlib", "?"), env.get("flax", FLAX_FOR.get(v.jax, "?")), env.get("numpy", "?"),
                     env.get("python", "?"), f"{env.get('backend', '?')} x{env.get('devices', '?')}",
                     seconds(t.get("install_s")), seconds(t.get("pytest_s") or v.junit.get("seconds")),
                     seconds(t.get("golden_s", 0) + t.get("flipped_s", 0)) if t else "-", seconds(total),
                     (f"{guards.get('passed', 0)} pass"
                      + (f", {guards['failed']} FAIL" if guards.get("failed") else ""))
                     if guards and (guards.get("passed") or guards.get("failed")) else "-",
                     ((v.golden or {}).get("recorded") or "-")[:10]])
    return table(["jax", "jaxlib", "flax", "numpy", "python", "devices", "install s", "pytest s", "golden s",
                  "total s", "guards", "recorded"], rows)


def _row_cell(problem: dict | None) -> str:
    if problem is None:
        return "no report"
    verdict = problem.get("verdict", "?")
    props = problem.get("properties", {})
    bad = sorted(name for name, p in props.items() if p.get("verdict") not in ("pass", "skipped"))
    return verdict + (f" ({', '.join(bad)})" if bad and verdict != "missing" else "")


def verdicts(versions: list[Version]) -> tuple[list[str], bool]:
    names: list[str] = []
    for v in versions:
        for name in ((v.report or {}).get("problems") or {}):
            if name not in names:
                names.append(name)
    rows, details, ok = [], [], True
    for v in versions:
        if v.report is None or v.report.get("verdict") != "pass":
            ok = False
    for name in names:
        cells = [_row_cell(((v.report or {}).get("problems") or {}).get(name)) if v.report else "no report"
                 for v in versions]
        rows.append([f"`{name}`", *cells])
        props: list[str] = []
        for v in versions:
            for p in (((v.report or {}).get("problems") or {}).get(name) or {}).get("properties", {}):
                if p not in props:
                    props.append(p)
        for p in props:
            per = [((((v.report or {}).get("problems") or {}).get(name) or {}).get("properties", {}).get(p) or {})
                   .get("verdict", "-") if v.report else "no report" for v in versions]
            if len({verdict for verdict, v in zip(per, versions) if v.report}) > 1:
                details.append([f"`{name}` {p}", *per])
    overall = [v.report.get("verdict", "?") if v.report else "no report" for v in versions]
    lines = table(["function", *[v.jax for v in versions]], rows + [["**report**", *overall]])
    if details:
        lines += ["", "Properties whose verdict differs between versions:", ""]
        lines += table(["function, property", *[v.jax for v in versions]], details)
    return lines, ok


# --- section 3: golden values -------------------------------------------------------------------------
def _outputs(case: dict, mode: str) -> dict:
    """{"out": [arrays]} or {"error": text} for a mode of a recorded case."""
    entry = case.get(mode)
    if entry == "same as plain":
        entry = case.get("plain")
    return entry if isinstance(entry, dict) else {"error": "not recorded"}


def _allowed(case: dict, leaf: dict, index: int) -> float | None:
    allowed = case.get("allowed")
    if allowed is None or leaf["dtype"] not in codec.FLOATS:
        return None
    values = codec.numbers(allowed)
    if len(values) == 1:
        return values[0]
    if len(values) == codec.size(leaf):
        return values[index]
    return max(values) if values else None


@dataclass
class Diff:
    ulps: float = 0.0
    abs: float = 0.0
    within: bool = True  # every element within `allowed`
    used: float = 0.0  # the largest share of `allowed` a difference takes, when within
    where: str = ""
    api: list[str] = field(default_factory=list)

    def add(self, other: "Diff") -> None:
        if other.ulps > self.ulps or (other.ulps == self.ulps and other.abs > self.abs):
            self.ulps, self.where = other.ulps, other.where
        self.abs = max(self.abs, other.abs)
        self.used = max(self.used, other.used)
        self.within = self.within and other.within
        self.api += [a for a in other.api if a not in self.api]


def diff_rows(a: dict, b: dict, name: str, allowed_from: dict | None = None,
              modes: tuple[str, ...] = ("plain", "jit")) -> Diff:
    """The differences between two recordings of one row (plain and jit, every case)."""
    total = Diff()
    cases_a, cases_b = a.get("cases", []), b.get("cases", [])
    for index, (ca, cb) in enumerate(zip(cases_a, cases_b)):
        budget_case = (allowed_from or {}).get("cases", cases_a)[index] if allowed_from else ca
        for mode in modes:
            oa, ob = _outputs(ca, mode), _outputs(cb, mode)
            if "error" in oa or "error" in ob:
                if oa.get("error") != ob.get("error"):
                    side = (f"raises `{ob['error'][:120]}`" if "error" in ob else "no longer raises") + \
                           f" (case {index}, {mode})"
                    total.add(Diff(api=[f"error: {side}"], within=False, ulps=math.inf, abs=math.inf,
                                   where=f"case {index} {mode}"))
                continue
            for leaf_index, (la, lb) in enumerate(zip(oa["out"], ob["out"])):
                if la["dtype"] != lb["dtype"] or la["shape"] != lb["shape"]:
                    change = f"output {leaf_index}: {la['dtype']}{la['shape']} -> {lb['dtype']}{lb['shape']}"
                    total.add(Diff(api=[change],
                                   within=False, ulps=math.inf, abs=math.inf, where=f"case {index} {mode}"))
                    continue
                ulps = codec.ulp_distances(la, lb)
                diffs = codec.abs_differences(la, lb)
                if not ulps or max(ulps) == 0:
                    continue
                worst = max(range(len(ulps)), key=lambda i: (ulps[i], diffs[i]))
                within, used = True, 0.0
                for i, d in enumerate(diffs):
                    if d == 0:
                        continue
                    limit = _allowed(budget_case, la, i)
                    if limit is None or not d <= limit:
                        within = False
                        break
                    used = max(used, d / limit if limit > 0 else math.inf)
                total.add(Diff(ulps=ulps[worst], abs=max(diffs), within=within, used=used if within else 0.0,
                               where=f"case {index} {mode}" + (f" output {leaf_index}" if len(oa["out"]) > 1 else "")))
    if len(cases_a) != len(cases_b):
        total.api.append(f"{len(cases_a)} vs {len(cases_b)} cases recorded")
    return total


def api_changes(a: dict, b: dict) -> list[str]:
    """Warnings that appeared or went away; signatures that changed."""
    out = []
    wa, wb = set(a.get("warnings") or {}), set(b.get("warnings") or {})
    out += [f"new warning: {w}" for w in sorted(wb - wa)]
    out += [f"warning gone: {w}" for w in sorted(wa - wb)]
    sa, sb = a.get("apis") or {}, b.get("apis") or {}
    for api in sorted(set(sa) & set(sb)):
        if sa[api] != sb[api]:
            out.append(f"signature of `{api}`: {_signature_change(sa[api], sb[api])}")
    return out


def _params(sig: str) -> list[str]:
    return [p.strip() for p in sig.strip("()").split(",") if p.strip() not in ("", "*", "/")]


def _signature_change(old: str, new: str) -> str:
    po, pn = _params(old), _params(new)
    names_o = {p.split("=")[0]: p for p in po}
    names_n = {p.split("=")[0]: p for p in pn}
    parts = [f"+{p}" for n, p in names_n.items() if n not in names_o]
    parts += [f"-{p}" for n, p in names_o.items() if n not in names_n]
    parts += [f"{names_o[n]} -> {names_n[n]}" for n in names_n if n in names_o and names_o[n] != names_n[n]]
    if not parts:
        parts = [f"{old} -> {new}"]
    return ", ".join(parts)


@dataclass
class Change:
    name: str
    classes: list[str]
    diff: Diff
    notes: list[str]


def classify(older: Version, newer: Version, name: str) -> Change:
    ga = ((older.golden or {}).get("rows") or {}).get(name)
    gb = ((newer.golden or {}).get("rows") or {}).get(name)
    classes, notes = [], []
    pa = (((older.report or {}).get("problems") or {}).get(name) or {})
    pb = (((newer.report or {}).get("problems") or {}).get(name) or {})
    if older.report and newer.report:
        if pa.get("verdict") != pb.get("verdict"):
            classes.append("verdict")
            notes.append(f"verdict {pa.get('verdict')} -> {pb.get('verdict')}")
        for prop in dict.fromkeys([*pa.get("properties", {}), *pb.get("properties", {})]):
            va = (pa.get("properties", {}).get(prop) or {}).get("verdict", "-")
            vb = (pb.get("properties", {}).get(prop) or {}).get("verdict", "-")
            if va != vb:
                if "verdict" not in classes:
                    classes.append("verdict")
                notes.append(f"`{prop}` {va} -> {vb}")
    if ga is None or gb is None or ga.get("missing") or gb.get("missing"):
        if (ga or {}).get("missing") and (gb or {}).get("missing"):
            return Change(name, classes or ["missing"], Diff(), notes)  # the module does not define it
        notes.append("no golden values on " + ", ".join(v.jax for v, g in ((older, ga), (newer, gb))
                                                           if g is None or g.get("missing")))
        return Change(name, classes or ["missing"], Diff(), notes)
    diff = diff_rows(ga, gb, name)
    api = diff.api + api_changes(ga, gb)
    if api:
        classes.append("API")
        notes += api
    if diff.ulps > 0 and not (diff.api and math.isinf(diff.ulps)):
        explained = _random_stream(older, newer, name)
        if explained:
            classes.append("random stream")
            notes.append(explained)
        elif diff.within:
            classes.append("numerics")
            notes.append(f"largest at {diff.where}; within the rounding allowance (at most {_share(diff.used)} of it)"
                         + _same_params(ga, gb).replace(" (", "; ").replace(")", ""))
        else:
            classes.append("values")
            notes.append(f"largest at {diff.where}; beyond the rounding allowance, not the PRNG flag")
    return Change(name, classes or ["same"], diff, notes)


def _random_stream(older: Version, newer: Version, name: str) -> str:
    """Why the values differ, if a recording with the PRNG flag flipped reproduces the other side."""
    found = []
    for flipped, other, label in ((older.flipped, newer.golden, older.jax), (newer.flipped, older.golden, newer.jax)):
        rows_f = (flipped or {}).get("rows") or {}
        if name not in rows_f:
            continue
        flag = (flipped.get("environment") or {}).get("jax_threefry_partitionable")
        other_flag = ((other or {}).get("environment") or {}).get("jax_threefry_partitionable")
        if flag != other_flag:
            continue
        other_row = ((other or {}).get("rows") or {}).get(name)
        if other_row is None:
            continue
        d = diff_rows(rows_f[name], other_row, name)
        if d.ulps == 0 or (d.within and not d.api):
            parts = []
            for mode in ("plain", "jit"):
                m = diff_rows(rows_f[name], other_row, name, modes=(mode,))
                parts.append(f"{mode} calls " + ("bit for bit" if m.ulps == 0 else
                             f"within {fmt_ulps(m.ulps)} ulps ({fmt_abs(m.abs)} abs, "
                             f"{_share(m.used)} of the allowance)"))
            found.append(f"{label} with jax_threefry_partitionable={flag} reproduces "
                         f"{newer.jax if label == older.jax else older.jax}: " + ", ".join(parts)
                         + _same_params(rows_f[name], other_row))
    return "; ".join(found)


def changes(older: Version, newer: Version, names: list[str]) -> list[str]:
    rows = []
    found = [classify(older, newer, name) for name in names]
    for c in found:
        rows.append([f"`{c.name}`", fmt_ulps(c.diff.ulps), fmt_abs(c.diff.abs), ", ".join(c.classes),
                     "; ".join(c.notes).replace("|", "\\|")])
    return table(["function", "max ulps", "max abs", "change", "details"], rows)


def flag_effect(v: Version) -> list[str]:
    """Within one version: which rows the PRNG flag changes (default vs flipped recording)."""
    if not (v.golden and v.flipped):
        return []
    flag = (v.flipped.get("environment") or {}).get("jax_threefry_partitionable")
    rows = []
    for name, row in (v.flipped.get("rows") or {}).items():
        base = (v.golden.get("rows") or {}).get(name)
        if base is None or base.get("missing") or row.get("missing"):
            continue
        d = diff_rows(base, row, name)
        rows.append(f"`{name}` {'unchanged' if d.ulps == 0 else f'changes (max {fmt_abs(d.abs)} abs)'}")
    return [f"- {v.jax} with jax_threefry_partitionable={flag}: " + ", ".join(rows)] if rows else []


def admitted_section(results: Path) -> list[str]:
    """Pairs the metadata admits beyond versions/pairs.py (`nox -s admitted`): the Flax rows' verdicts."""
    rows = []
    for jax, flax in ADMITTED:
        found = _read(results / "admitted" / f"jax-{jax}-flax-{flax}.json")
        if found is None:
            continue
        cells = []
        for name in ("lax_scan_in_module", "scan_rnn_forward"):
            problem = (found.get("problems") or {}).get(name)
            cell = _row_cell(problem)
            if problem and problem.get("verdict") in ("fail", "error"):
                first = next((p for p in problem.get("properties", {}).values()
                              if p.get("verdict") in ("fail", "error")), {})
                raised = [line.split("raised:", 1)[1].strip() for line in (first.get("message") or "").splitlines()
                          if "raised:" in line]
                if raised:
                    cell += f": {raised[0][:140]}"
            cells.append(cell.replace("|", "\\|"))
        rows.append([jax, flax, *cells])
    if not rows:
        return []
    return ["", "### Pairs the packages' metadata admits but versions/pairs.py does not list", ""] + table(
        ["jax", "flax", "`lax_scan_in_module`", "`scan_rnn_forward`"], rows)


def report(versions: list[Version], all_pairs: bool, results: Path = DEFAULT_RESULTS) -> tuple[list[str], bool]:
    lines = ["### Environments", ""] + environments(versions) + ["", "### Verdicts", ""]
    verdict_lines, ok = verdicts(versions)
    lines += verdict_lines
    for v in versions:
        if v.golden is None:
            ok = False
    names: list[str] = []
    for v in versions:
        for name in ((v.golden or {}).get("rows") or {}):
            if name not in names:
                names.append(name)
    steps = list(zip(versions, versions[1:]))
    if all_pairs and len(versions) > 2:
        steps.append((versions[0], versions[-1]))
    if steps and names:
        glance = [[f"`{name}`", *[", ".join(classify(a, b, name).classes) for a, b in steps]] for name in names]
        lines += ["", "### Changes at a glance", ""]
        lines += table(["function", *[f"{a.jax} -> {b.jax}" for a, b in steps]], glance)
    for older, newer in steps:
        fa, fb = FLAX_FOR.get(older.jax, "?"), FLAX_FOR.get(newer.jax, "?")
        lines += ["", f"### {older.jax} -> {newer.jax} (flax {fa} -> {fb})", ""]
        lines += changes(older, newer, names)
    lines += admitted_section(results)
    effects = [line for v in versions for line in flag_effect(v)]
    if effects:
        lines += ["", "### The PRNG flag within each version (default vs flipped recording)", ""] + effects
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Version x row table and changes between versions.")
    parser.add_argument("versions", nargs="*", help="JAX versions to compare (default: every pair with results)")
    parser.add_argument("--results", default=str(DEFAULT_RESULTS), help="results folder (default: the reference's)")
    parser.add_argument("--markdown", default=None, help="also write the output to this file")
    args = parser.parse_args(argv)
    versions = load(Path(args.results), args.versions)
    if not versions:
        print(f"no results under {args.results}: run `nox` first", file=sys.stderr)
        return 1
    lines, ok = report(versions, all_pairs=not args.versions, results=Path(args.results))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)
    if not ok:
        print("not every version has a passing report and golden values", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
