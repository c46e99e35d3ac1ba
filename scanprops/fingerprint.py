"""What a function of a module reaches, as a fingerprint: the key of a learner's compile cache by
function (scanprops/compile_cache.py), and how `scanprops check --watch` tells which functions an
edit changed (scanprops/watch.py).

Read from the module's source text with `ast`: the harness never imports or runs the code to take
a fingerprint.

The rule. A module's top-level statements are its units. The fingerprint of function `f` is a
hash of RULE, the name `f`, and `ast.dump` of these units (so comments, blank lines and layout do
not count; everything else, docstrings included, does), in source order:

- every unit that binds the name `f` (its `def` with decorators and defaults, or an assignment);
- every unit that binds a name a unit already taken reads, to the end (helpers it calls, the
  helpers they call, classes, module-level constants, imports). A unit binds every name it
  assigns at module level (also `W[0] = ...`, `W += ...`, `W.x = ...`, a for loop's target), the
  names of what it defines or imports, and the names a function in it declares `global`;
- every statement run for its effect at import (anything but an import, a definition or an
  assignment: a call such as `jax.config.update(...)` or `W.append(1)`, an `if`, `try`, `for`,
  `with`...), and what it reads: such a statement can change anything. The module's docstring (and
  any string standing alone as a statement) and an `if __name__ == "__main__":` block (which does
  not run on import) are left out;
- for every import in a unit taken of a module found beside the file (the learner's own helper
  module; one that shadows a library too), that file's bytes, and those of the modules beside it
  that it imports in turn.

A name a unit reads that is bound inside that unit (a parameter, a local variable) is the unit's
own, yet a module-level binding of the same name is taken as well (a reading can be either).

The fallback: where the text does not show everything the function can reach, there is no
fingerprint (None), and the caller keys by the whole file instead (for the compile cache: the
submission's key, as `scanprops grade` always does). That is when the module has a star import,
a relative import or a module-level `__getattr__`; when a unit taken calls exec, eval, compile,
globals, vars, locals, __import__ or breakpoint, calls getattr, setattr, delattr or hasattr with
a name that is not a string literal, reads one of the module's implicit names (`__name__`,
`__file__`, `__dict__`, ...) or reads a module it imports that exposes the running program (sys,
importlib, builtins, inspect, gc, ctypes); when it reads a name that is bound neither in the
module, nor inside the unit, nor among the builtins (a decorator or a default it cannot resolve);
when a helper module beside the file is a package or cannot be read; and when the text is larger
than MAX_BYTES or nested too deeply to parse. A text that does not parse raises SyntaxError.
"""
from __future__ import annotations

import ast
import builtins
import hashlib
from pathlib import Path

RULE = "scanprops-fingerprint-1"  # changes whenever the rule above does: old keys are then unused
MAX_BYTES = 1_000_000
DYNAMIC_CALLS = frozenset({"exec", "eval", "compile", "globals", "vars", "locals", "__import__", "breakpoint"})
DYNAMIC_ATTRIBUTE_CALLS = frozenset({"getattr", "setattr", "delattr", "hasattr"})
INTROSPECTION_MODULES = frozenset({"sys", "importlib", "builtins", "inspect", "gc", "ctypes"})
IMPLICIT_NAMES = frozenset({"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__",
                            "__builtins__", "__dict__", "__path__", "__cached__", "__annotations__"})
BUILTINS = frozenset(dir(builtins)) - IMPLICIT_NAMES
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


class _Unknowable(Exception):
    """What a unit reaches cannot be read from the text (the fallback)."""


def fingerprints(*, text: str, folder: str | Path | None = None, names=None) -> dict[str, str | None]:
    """{name: fingerprint (64 hex digits), or None where the rule falls back} for the module-level
    `names` of the module whose source is `text` (default: every function it defines and every
    name it assigns a call or a lambda to); `folder` is where the module lies, for its helper
    modules (None: none is looked for). Names the module does not bind are left out. SyntaxError
    when `text` does not parse."""
    if len(text.encode(errors="replace")) > MAX_BYTES:
        return dict.fromkeys(names or (), None)
    try:
        tree = ast.parse(text)
    except (RecursionError, MemoryError, ValueError):  # nested too deeply; a NUL byte raises SyntaxError
        return dict.fromkeys(names or (), None)
    module = _Module(tree, Path(folder) if folder is not None else None)
    wanted = list(names) if names is not None else module.functions()
    return {name: module.fingerprint(name) for name in wanted if name in module.binders}


class _Module:
    def __init__(self, tree: ast.Module, folder: Path | None):
        self.folder = folder
        self.units: list[ast.stmt] = []
        self.effects: list[int] = []  # units run for their effect
        self.binders: dict[str, list[int]] = {}  # name -> the units that bind it
        self.opaque = False  # a star or relative import, a module-level __getattr__
        for stmt in tree.body:
            if _is_main_block(stmt) or _is_bare_string(stmt):
                continue
            index = len(self.units)
            self.units.append(stmt)
            for name in _bound_at_module_level(stmt):
                self.binders.setdefault(name, []).append(index)
            if not isinstance(stmt, (ast.Import, ast.ImportFrom, *_DEFINITIONS, ast.Assign, ast.AnnAssign,
                                     ast.AugAssign)):
                self.effects.append(index)
            for node in ast.walk(stmt):
                if isinstance(node, ast.ImportFrom) and (node.level or any(a.name == "*" for a in node.names)):
                    self.opaque = True
        self.opaque = self.opaque or "__getattr__" in self.binders
        self._helpers: dict[str, bytes | None] = {}

    def functions(self) -> list[str]:
        """The names defined by a def or assigned a call or a lambda (candidates for the catalog)."""
        found = []
        for stmt in self.units:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append(stmt.name)
            elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.Call, ast.Lambda)):
                found += [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        return list(dict.fromkeys(found))

    def fingerprint(self, name: str) -> str | None:
        if self.opaque:
            return None
        try:
            taken = self._reached(name)
            digest = hashlib.sha256(f"{RULE}\0{name}\0".encode())
            for index in sorted(taken):
                digest.update(ast.dump(self.units[index]).encode() + b"\0")
            for helper in sorted(self._helper_modules(taken)):
                digest.update(helper.encode() + b"\0" + self._helper_bytes(helper) + b"\0")
        except (_Unknowable, RecursionError):
            return None
        return digest.hexdigest()

    def _reached(self, name: str) -> set[int]:
        taken: set[int] = set()
        queue = list(self.binders.get(name, [])) + list(self.effects)
        while queue:
            index = queue.pop()
            if index in taken:
                continue
            taken.add(index)
            for read in self._reads(self.units[index]):
                queue += [i for i in self.binders.get(read, []) if i not in taken]
        return taken

    def _reads(self, unit: ast.stmt) -> set[str]:
        """The names `unit` reads from the module (_Unknowable where it could read any)."""
        loads, own = set(), set()
        for node in ast.walk(unit):
            if isinstance(node, ast.Name):
                (loads if isinstance(node.ctx, ast.Load) else own).add(node.id)
            elif isinstance(node, ast.arg):
                own.add(node.arg)
            elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                own.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                own.add(node.rest)
            elif isinstance(node, _DEFINITIONS) and node is not unit:
                own.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)) and node is not unit:
                own.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                if node.func.id in DYNAMIC_CALLS:
                    raise _Unknowable(node.func.id)
                if node.func.id in DYNAMIC_ATTRIBUTE_CALLS and not (
                        len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                        and isinstance(node.args[1].value, str)):
                    raise _Unknowable(node.func.id)
        if loads & IMPLICIT_NAMES:
            raise _Unknowable(sorted(loads & IMPLICIT_NAMES)[0])
        for read in loads:
            if read in self.binders:
                if self._imports_introspection(read):
                    raise _Unknowable(read)
            elif read not in own and read not in BUILTINS:
                raise _Unknowable(read)  # bound nowhere the text shows
        return {read for read in loads if read in self.binders}

    def _imports_introspection(self, name: str) -> bool:
        for index in self.binders[name]:
            stmt = self.units[index]
            if isinstance(stmt, ast.Import) and any(
                    (a.asname or a.name.split(".")[0]) == name and a.name.split(".")[0] in INTROSPECTION_MODULES
                    for a in stmt.names):
                return True
            if isinstance(stmt, ast.ImportFrom) and (stmt.module or "").split(".")[0] in INTROSPECTION_MODULES:
                return True
        return False

    def _helper_modules(self, taken: set[int]) -> set[str]:
        """The modules beside the file that the units taken import, and those they import in turn."""
        found: set[str] = set()
        queue = [node for index in taken for node in ast.walk(self.units[index])]
        while queue:
            node = queue.pop()
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            tops = [a.name.split(".")[0] for a in node.names] if isinstance(node, ast.Import) else \
                [(node.module or "").split(".")[0]]
            for top in tops:
                if top in found or self._helper_bytes(top) is None:
                    continue
                found.add(top)
                try:
                    queue += list(ast.walk(ast.parse(self._helper_bytes(top))))
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    pass  # its bytes are in the fingerprint; its own imports are not
        return found

    def _helper_bytes(self, top: str) -> bytes | None:
        """The bytes of `top`.py beside the file (None: there is none); _Unknowable for a package
        or a file that cannot be read."""
        if self.folder is None or not top:
            return None
        if top not in self._helpers:
            file, package = self.folder / f"{top}.py", self.folder / top
            if package.is_dir():
                raise _Unknowable(f"{top} is a package beside the file")
            try:
                self._helpers[top] = file.read_bytes() if file.is_file() else None
            except OSError:
                raise _Unknowable(f"{top}.py cannot be read") from None
        return self._helpers[top]


def _is_bare_string(stmt: ast.stmt) -> bool:
    """The module's docstring, or any other string standing alone as a statement (it does nothing)."""
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _is_main_block(stmt: ast.stmt) -> bool:
    test = stmt.test if isinstance(stmt, ast.If) else None
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__"
            and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq) and len(test.comparators) == 1
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value == "__main__"
            and not stmt.orelse)


def _bound_at_module_level(stmt: ast.stmt) -> set[str]:
    """The module-level names `stmt` binds or changes (see the rule), and the names its functions
    declare global."""
    bound: set[str] = set()

    def visit(node, top: bool):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if top:
                bound.update((a.asname or a.name).split(".")[0] for a in node.names)
            return
        if isinstance(node, ast.Global):
            bound.update(node.names)
            return
        if isinstance(node, _DEFINITIONS) and top:
            bound.add(node.name)
            for part in (*node.decorator_list, *getattr(node, "bases", ()), *getattr(node, "keywords", ())):
                visit(part, top)
            if not isinstance(node, ast.ClassDef):
                for default in (*node.args.defaults, *node.args.kw_defaults):
                    if default is not None:
                        visit(default, top)
            for child in node.body:
                visit(child, False)
            return
        if isinstance(node, _SCOPES):
            for child in ast.iter_child_nodes(node):
                visit(child, False)
            return
        if top and isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        if top and isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            for target in node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]:
                root = target
                while isinstance(root, (ast.Subscript, ast.Attribute, ast.Starred)):
                    root = root.value
                if isinstance(root, ast.Name):
                    bound.add(root.id)  # W[0] = ..., W.x = ...: a change of W
        for child in ast.iter_child_nodes(node):
            visit(child, top)

    visit(stmt, True)
    return bound
