"""Mutation testing of the harness: how many small changes to the reference implementations
does it reject? `python -m benchmarks.mutation` (slow: each mutant is a learner's module of its
own, verified in the sandboxed child like any submission; `--functions ema,find_root`,
`--limit N`, `--markdown` for docs/mutation.md).

A small AST mutator, since mutmut and cosmic-ray mutate a package's own source in place and
judge by its own test suite's exit status, while here the "test suite" is the harness and the
mutated code is the submission it judges. Each mutant changes one thing in one of the modules
the reference implementations live in (impls/sgd.py, flax_seeds.py, lesson_scan.py,
lesson_control.py), written out as a standalone learner's file; the catalog functions whose
code the change reaches are run through their properties (the default, derandomized profile,
as a learner's run; the first failure kills it). The operators:

- `const`: a numeric constant c becomes c + 1, c - 1 and 2c (0 becomes 1, -1, and is kept once)
- `compare`: a comparison flips: < and <=, > and >=, == and != swap
- `reverse`: a `lax.scan` call gets `reverse=True`
- `stop_gradient`: a `stop_gradient(x)` is dropped; a scan body's returned carry gets one
- `slice`: a constant slice bound or index moves by one either way
- `swap`: the operands of a non-commutative operator (-, /, @, **, %) swap; so do two adjacent
  items of a list (lax.switch's branches, jnp.concatenate's parts)
- `default`: a parameter's default value changes (c + 1, 2c; a float default c also c / 10)

A survivor is either a gap (a draw or property that would kill it is missing) or equivalent
(the mutant computes the same function on the whole domain); docs/mutation.md lists every
survivor with the reason.
"""
from __future__ import annotations

import argparse
import ast
import copy
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("impls/sgd.py", "impls/flax_seeds.py", "impls/lesson_scan.py", "impls/lesson_control.py")
NON_COMMUTATIVE = (ast.Sub, ast.Div, ast.MatMult, ast.Pow, ast.Mod, ast.FloorDiv)
FLIPS = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}


@dataclass(frozen=True)
class Mutant:
    source: str  # the module it mutates
    operator: str
    line: int
    what: str  # the change, in words
    code: str  # the mutated module's text
    functions: tuple[str, ...]  # catalog functions whose code the change reaches


# --- finding mutation sites -------------------------------------------------------------------------
def _numbers(value) -> list:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    one = type(value)(1)
    out = [value + one, value - one, value * 2] if value else [one, -one]
    return list(dict.fromkeys(v for v in out if v != value))


def _is_call(node, name: str) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return isinstance(func, (ast.Attribute, ast.Name)) and (
        getattr(func, "attr", None) or getattr(func, "id", None)) == name


class _Sites(ast.NodeVisitor):
    """Every (node path, operator, description, edit) in one module; an edit mutates a deep copy."""

    def __init__(self):
        self.sites: list[tuple] = []

    def add(self, node, operator, what, edit):
        self.sites.append((node, operator, what, edit))

    def visit_FunctionDef(self, node):
        defaults = node.args.defaults
        for default in defaults:
            if isinstance(default, ast.Constant):
                values = _numbers(default.value)
                if isinstance(default.value, float) and default.value:
                    values = [default.value * 2, default.value / 10, default.value * 10]
                for v in values[:3]:
                    self.add(default, "default", f"default {default.value!r} -> {v!r}",
                             lambda n, v=v: setattr(n, "value", v))
        for stmt in _own_statements(node):  # a scan body's returned carry gets a stop_gradient
            if isinstance(stmt, ast.Return) and isinstance(stmt.value, ast.Tuple) and stmt.value.elts:
                self.add(stmt.value.elts[0], "stop_gradient", "stop_gradient around the returned carry",
                         lambda n: ("wrap", n))
        self.generic_visit(node)

    def visit_Constant(self, node):
        if getattr(node, "_is_default", False):
            return
        for v in _numbers(node.value):
            self.add(node, "const", f"constant {node.value!r} -> {v!r}", lambda n, v=v: setattr(n, "value", v))

    def visit_Compare(self, node):
        for i, op in enumerate(node.ops):
            if type(op) in FLIPS:
                new = FLIPS[type(op)]
                self.add(node, "compare", f"{type(op).__name__} -> {new.__name__}",
                         lambda n, i=i, new=new: n.ops.__setitem__(i, new()))
        self.generic_visit(node)

    def visit_BinOp(self, node):
        if isinstance(node.op, NON_COMMUTATIVE):
            self.add(node, "swap", f"operands of {type(node.op).__name__} swapped", _swap)
        self.generic_visit(node)

    def visit_List(self, node):  # the parts of an order-sensitive list: switch branches, concatenate
        for i in range(len(node.elts) - 1):
            self.add(node, "swap", f"list items {i} and {i + 1} swapped",
                     lambda n, i=i: n.elts.__setitem__(slice(i, i + 2), [n.elts[i + 1], n.elts[i]]))
        self.generic_visit(node)

    def visit_Call(self, node):
        if _is_call(node, "scan") and not any(k.arg == "reverse" for k in node.keywords):
            self.add(node, "reverse", "scan(..., reverse=True)",
                     lambda n: n.keywords.append(ast.keyword("reverse", ast.Constant(True))))
        if _is_call(node, "stop_gradient") and node.args:
            self.add(node, "stop_gradient", "stop_gradient dropped", lambda n: ("replace", n.args[0]))
        self.generic_visit(node)

    def visit_Subscript(self, node):
        sl = node.slice
        for part in ("lower", "upper") if isinstance(sl, ast.Slice) else ():
            bound = getattr(sl, part)
            value = _int_of(bound)
            if value is not None:
                for v in (value + 1, value - 1):
                    self.add(node, "slice", f"slice {part} {value} -> {v}",
                             lambda n, part=part, v=v: setattr(n.slice, part, _int_node(v)))
        if not isinstance(sl, ast.Slice):
            value = _int_of(sl)
            if value is not None:
                for v in (value + 1, value - 1):
                    self.add(node, "slice", f"index {value} -> {v}", lambda n, v=v: setattr(n, "slice", _int_node(v)))
                return  # the index's constant is this site's, not `const`'s too
        self.generic_visit(node)


def _own_statements(fn):
    """The statements of `fn` itself, not of the functions defined inside it."""
    todo = list(fn.body)
    while todo:
        stmt = todo.pop()
        yield stmt
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            todo.extend(c for c in ast.iter_child_nodes(stmt) if isinstance(c, ast.stmt))


def _swap(n):
    n.left, n.right = n.right, n.left


def _int_of(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, int):
        return -node.operand.value
    return None


def _int_node(v: int):
    return ast.Constant(v) if v >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-v))


def _mark_defaults(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.Lambda)):
            for d in node.args.defaults + node.args.kw_defaults:
                if d is not None:
                    d._is_default = True


def _functions_reached(tree, node, catalog: set[str]) -> tuple[str, ...]:
    """The catalog functions whose code holds `node`: the top-level def around it, or, for a
    module-level helper (a class, a cell, a loss), every catalog function that names it."""
    for top in tree.body:
        if any(n is node for n in ast.walk(top)):
            if isinstance(top, ast.FunctionDef) and top.name in catalog:
                return (top.name,)
            names = {t.id for t in getattr(top, "targets", []) if isinstance(t, ast.Name)} | {getattr(top, "name", "")}
            users = [f.name for f in tree.body if isinstance(f, ast.FunctionDef) and f.name in catalog
                     and any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(f))]
            indirect = set()
            for helper in tree.body:  # one level of helpers of helpers (rnn_cell inside rnn_forward)
                if isinstance(helper, ast.FunctionDef) and helper.name not in catalog and \
                        any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(helper)):
                    indirect |= set(_functions_reached(tree, helper, catalog))
            return tuple(sorted(set(users) | indirect))
    return ()


def mutants(catalog: set[str]) -> list[Mutant]:
    out = []
    for source in SOURCES:
        text = (ROOT / source).read_text()
        base = ast.parse(text)
        _mark_defaults(base)
        finder = _Sites()
        finder.visit(base)
        for index, (node, operator, what, _) in enumerate(finder.sites):
            tree = copy.deepcopy(base)
            fresh = _Sites()
            fresh.visit(tree)
            target, _, _, edit = fresh.sites[index]
            result = edit(target)
            if isinstance(result, tuple):
                kind, replacement = result
                if kind == "wrap":
                    replacement = ast.Call(ast.Attribute(ast.Attribute(ast.Name("jax"), "lax"), "stop_gradient"),
                                           [replacement], [])
                _replace(tree, target, replacement)
            ast.fix_missing_locations(tree)
            try:
                code = ast.unparse(tree)
                compile(code, source, "exec")
            except (SyntaxError, ValueError):
                continue
            reached = _functions_reached(tree, target, catalog)
            if reached:
                out.append(Mutant(source, operator, getattr(node, "lineno", 0), what, code, reached))
    return out


def _replace(tree, old, new):
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return


# --- running ----------------------------------------------------------------------------------------
# Survivors that compute the same function as the reference on the whole domain, with the reason
# (source, line, change): docs/mutation.md lists them. Everything else that survives is a gap.
_SQ = "impls/lesson_control.py"
EQUIVALENT: dict[tuple[str, int, str], str] = {
    ("impls/sgd.py", 11, "operands of Sub swapped"): "(y - w x)**2 is (w x - y)**2",
    ("impls/flax_seeds.py", 32, "scan(..., reverse=True)"): "the body ignores its xs (jnp.arange(T)): "
                                                            "every step is the same",
    ("impls/flax_seeds.py", 48, "constant 0 -> 1"): "out_axes stacks the per-step outputs, which the row drops "
                                                    "(it returns the final carry)",
    ("impls/flax_seeds.py", 48, "constant 0 -> -1"): "as out_axes = 1: the outputs are dropped",
    ("impls/lesson_scan.py", 66, "scan(..., reverse=True)"): "xs=None: every layer is the same, in either order",
    (_SQ, 13, "constant 100 -> 101"): "newton_sqrt's cap: every finite x >= 0 stops within 67 steps, "
                                      "so a cap past that never acts",
    (_SQ, 13, "constant 100 -> 99"): "as the cap 101",
    (_SQ, 13, "constant 100 -> 200"): "as the cap 101",
    (_SQ, 27, "Gt -> GtE"): "differs only where |f(x)| == tol exactly, a stopping test float32 leaves undecided; "
                            "the value properties compare only paths on which every test is decided "
                            "(strategies/functions.py)",
    (_SQ, 31, "stop_gradient around the returned carry"): "find_root has no `grad` (while_loop has no reverse mode): "
                                                          "values are unchanged",
    (_SQ, 38, "default 1e-06 -> 2e-06"): "newton_sqrt's result is sqrt(x) to float32 rounding for any tol "
                                         "from about 1e-3 down (Newton converges quadratically): "
                                         "the contract compares the guess only",
    (_SQ, 38, "default 1e-06 -> 1e-07"): "as tol 2e-06",
    (_SQ, 38, "default 1e-06 -> 9.999999999999999e-06"): "as tol 2e-06",
    (_SQ, 69, "stop_gradient around the returned carry"): "newton_sqrt has no `grad`: values are unchanged",
    (_SQ, 60, "Gt -> GtE"): "differs only where the step equals tol * guess exactly: "
                            "one more step, still sqrt(x) to rounding",
    (_SQ, 60, "operands of Sub swapped"): "abs(previous - guess) is abs(guess - previous)",
    (_SQ, 61, "Gt -> GtE"): "x = 0 then runs the loop (to the cap) but the result is where(x == 0, 0, ...) = 0, "
                            "and the count stays within [0, 100]: the contract leaves the count to the implementation",
    (_SQ, 61, "constant 0 -> -1"): "as x >= 0: x = 0 runs to the cap, the result is still 0",
    (_SQ, 61, "Lt -> LtE"): "a cap of 101 steps: never reached by a finite x >= 0 (at most 67)",
    (_SQ, 65, "stop_gradient around the returned carry"): "newton_sqrt has no `grad`: values are unchanged",
    (_SQ, 67, "constant 2.0 -> 3.0"): "another first guess (x / 3): "
                                      "Newton converges to the same sqrt(x) from any positive start",
    (_SQ, 67, "constant 2.0 -> 1.0"): "first guess max(x, 1): as x / 3",
    (_SQ, 67, "constant 2.0 -> 4.0"): "first guess x / 4: as x / 3",
    (_SQ, 67, "constant 1.0 -> 2.0"): "first guess at least 2: as x / 3",
    (_SQ, 67, "constant 0 -> 1"): "the count starts at 1: one more than the steps, within [0, 100] (at most 68); "
                                  "the contract leaves the count to the implementation",
}

RESTART_EVERY = 8  # a fresh sandboxed child after this many mutants (each leaves compiled programs)


def verdict(path: str, functions: tuple[str, ...]) -> tuple[str, str]:
    """('killed', 'function: property') at the first failing property, else ('survived', '')."""
    from scanprops.catalog import BY_NAME
    from scanprops.failure import PropertyFailure
    from scanprops.props.registry import BY_NAME as FAMILIES
    from scanprops.props.registry import families_of
    from scanprops.seam import Seam

    seam = Seam(path, os.path.basename(path))
    for name in functions:
        problem = BY_NAME[name]
        for family in families_of(problem):
            try:
                FAMILIES[family].check(problem, seam)
            except PropertyFailure:
                return "killed", f"{name}: {family}"
            except Exception as exc:  # noqa: BLE001  (the module cannot be verified at all)
                return "killed", f"{name}: {type(exc).__name__}"
    return "survived", ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", default="", help="only mutants that reach these catalog functions")
    parser.add_argument("--limit", type=int, default=0, help="at most this many mutants (0: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--markdown", default="", help="write the table and the survivors to this file")
    args = parser.parse_args(argv)

    from scanprops import profiles
    from scanprops.catalog import CATALOG

    profiles.load(None)
    catalog = {p.name for p in CATALOG}
    chosen = set(filter(None, args.functions.split(","))) or catalog
    found = [m for m in mutants(catalog) if set(m.functions) & chosen]
    if args.limit:
        found = found[: args.limit]
    if args.list:
        for m in found:
            print(f"{m.source}:{m.line} {m.operator:13} {m.what:40} -> {', '.join(m.functions)}")
        print(f"{len(found)} mutants")
        return 0
    from scanprops import isolation

    results = []
    with tempfile.TemporaryDirectory(prefix="scanprops-mutants-") as folder:
        for i, m in enumerate(found):
            if i and i % RESTART_EVERY == 0:
                isolation.close()
            path = os.path.join(folder, f"mutant_{i:04d}.py")
            Path(path).write_text(m.code)
            start = time.perf_counter()
            outcome, by = verdict(path, tuple(f for f in m.functions if f in chosen))
            if outcome == "survived" and (m.source, m.line, m.what) in EQUIVALENT:
                outcome, by = "equivalent", EQUIVALENT[(m.source, m.line, m.what)]
            results.append((m, outcome, by))
            print(f"[{i + 1}/{len(found)}] {outcome:8} {m.source}:{m.line} {m.operator} {m.what} "
                  f"({', '.join(m.functions)}) {by} {time.perf_counter() - start:.1f}s", flush=True)
    table = summary(results)
    print(table)
    if args.markdown:
        Path(args.markdown).write_text(table)
    return 0


def summary(results) -> str:
    """Per catalog row: mutants that reach it, killed, survived (gaps), equivalent; then every
    survivor and every equivalent one with its reason."""
    rows: dict[str, dict[str, int]] = {}
    for m, outcome, _ in results:
        for f in m.functions:
            counts = rows.setdefault(f, {"killed": 0, "survived": 0, "equivalent": 0})
            counts[outcome] += 1
    lines = ["| row | mutants | killed | survived | equivalent |", "|---|---:|---:|---:|---:|"]
    for f, c in sorted(rows.items()):
        lines.append(f"| `{f}` | {sum(c.values())} | {c['killed']} | {c['survived']} | {c['equivalent']} |")
    total = {k: sum(1 for _, o, _ in results if o == k) for k in ("killed", "survived", "equivalent")}
    lines.append(f"| all | {len(results)} | {total['killed']} | {total['survived']} | {total['equivalent']} |")
    for kind in ("survived", "equivalent"):
        picked = [(m, by) for m, outcome, by in results if outcome == kind]
        if picked:
            lines += ["", f"{kind.capitalize()}:", ""]
            lines += [f"- {m.source}:{m.line} `{m.operator}` {m.what} ({', '.join(m.functions)})"
                      + (f": {by}" if by else "") for m, by in picked]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
