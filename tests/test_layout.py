"""The harness's import structure, read from its sources (imports inside functions included): no
module of scanprops imports itself back through others; the children's code (scanprops/child/,
and wire.py and confinement.py, which they load by path) imports nothing of the harness; the
judge's side uses only the child package's modules that hold no sandbox state."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scanprops"
CHILD = PACKAGE / "child"
# The child package's modules the judge's own process may import: none holds sandbox state.
JUDGE_MAY_IMPORT = {"scanprops.child", "scanprops.child.bound", "scanprops.child.failures", "scanprops.child.values",
                    "scanprops.child.calls", "scanprops.child.jax_cache", "scanprops.child.tally"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in it, relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: {m for m in imports(path) if m in MODULES and m != name} for name, path in MODULES.items()}


def test_no_module_of_the_harness_imports_itself_back():
    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), list(GRAPH[start])
        while todo:
            m = todo.pop()
            if m == goal:
                return True
            if m not in seen:
                seen.add(m)
                todo.extend(GRAPH[m])
        return False

    circles = sorted(name for name in GRAPH if reaches(name, name))
    assert not circles, f"import circles through: {circles}"


def test_the_childrens_code_imports_no_harness_module():
    allowed_top = set(sys.stdlib_module_names) | {"numpy", "jax", "jaxlib", "pyseccomp", "__future__"}
    for path in [*CHILD.glob("*.py"), PACKAGE / "wire.py", PACKAGE / "confinement.py", PACKAGE / "warden.py"]:
        name = module_name(path)
        for m in imports(path):
            inside = m.startswith("scanprops.child.") or m == "scanprops.child"
            assert m.split(".")[0] in allowed_top or (inside and path.parent == CHILD), f"{name} imports {m}"


def test_the_children_import_jax_only_once_bound():
    """At their top, the child package's modules import no JAX (a child loads them all before the
    kernel's layers that must come before JAX)."""
    for path in CHILD.glob("*.py"):
        for node in ast.parse(path.read_text()).body:
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] in ("jax", "jaxlib", "numpy") for n in names), f"{path.name}: {names}"


def test_the_judge_imports_only_the_child_modules_without_sandbox_state():
    judge = [*ROOT.glob("scanprops/*.py"), *ROOT.glob("benchmarks/*.py"), *ROOT.glob("versions/*.py"),
             *ROOT.glob("tests/*.py"), *ROOT.glob("props/*.py")]
    for path in judge:
        for m in imports(path):
            if m in MODULES and m.startswith("scanprops.child") and m not in JUDGE_MAY_IMPORT:
                raise AssertionError(f"{path.relative_to(ROOT)} imports {m}")
