"""The run's rows: the built-in catalog and the problem packs a run names, from one place.

A problem pack is a Python package whose `__init__.py` defines `ROWS`, a tuple of rows built
with scanprops.pack (docs/problem-packs.md). A run reads its rows from `load`:

- `--catalog PATH_OR_MODULE` (repeatable): a pack's folder, the dotted name of an importable
  package, or the name of an installed pack;
- installed packs: every entry point in the group `scanprops.catalogs` (a package that provides
  rows declares `[project.entry-points."scanprops.catalogs"] name = "its_package"`);
- the built-in rows (scanprops/catalog/) come first, unless `--catalog-only`, which runs the rows
  of the packs `--catalog` names and nothing else (neither the built-in rows nor installed packs).

Every row is checked when its pack loads (scanprops.pack.validate), and a name that two rows
share is refused, saying where each comes from. A pack's folder is its answer key: its oracles
and its reference are trusted instructor code that the judge imports, and no submission may read
them; loading a pack adds its folder to what the sandboxed children are refused
(scanprops/isolation.py `add_answer_key`).
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from scanprops import isolation
from scanprops.pack import RowError, validate
from scanprops.problem import Problem

GROUP = "scanprops.catalogs"  # the entry point group of installed packs
BUILT_IN = "scanprops.catalog"


class PackError(Exception):
    """A pack that cannot be loaded, or rows that cannot run together; the message says why."""


@dataclass(frozen=True)
class Pack:
    name: str  # the package's name
    spec: str  # as the run named it (a path, a dotted name, an entry point's name)
    folder: Path  # the package's folder: the pack's answer key
    rows: tuple[Problem, ...]

    def digest(self) -> str:
        """A hash of every file of the pack's folder (a stored grade depends on it)."""
        h = hashlib.sha256()
        for path in sorted(p for p in self.folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(path.relative_to(self.folder)).encode() + b"\0" + path.read_bytes())
        return h.hexdigest()[:16]


@dataclass(frozen=True)
class Rows:
    """The rows one run verifies, in order: the built-in ones (unless left out), then each pack's."""

    rows: tuple[Problem, ...]
    packs: tuple[Pack, ...] = ()

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.rows]

    @property
    def by_name(self) -> dict[str, Problem]:
        return {p.name: p for p in self.rows}

    def origin(self, name: str) -> str:
        """Where a row comes from: the built-in catalog, or a pack's name."""
        return next((p.name for p in self.packs if any(r.name == name for r in p.rows)), BUILT_IN)


def load(specs: tuple[str, ...] | list[str] = (), *, base: Path | None = None, only: bool = False,
         installed: bool = True) -> Rows:
    """The run's rows: the built-in ones (unless `only`), installed packs (unless `only` or not
    `installed`), then the packs `specs` names (paths are taken relative to `base`, default the
    current folder). PackError says what is wrong: a pack that cannot be found or imported,
    defines no ROWS, holds a row that does not validate, or names a row another already has."""
    from scanprops.catalog import CATALOG

    if only and not specs:
        raise PackError("--catalog-only: name at least one pack with --catalog")
    base = Path.cwd() if base is None else Path(base)
    packs: list[Pack] = []
    if installed and not only:
        packs += [_installed(ep) for ep in metadata.entry_points(group=GROUP)]
    for spec in specs:
        pack = load_pack(spec, base=base)
        if all(p.folder != pack.folder for p in packs):
            packs.append(pack)
    rows = [] if only else list(CATALOG)
    seen = {p.name: BUILT_IN for p in rows}
    for pack in packs:
        for problem in pack.rows:
            if problem.name in seen:
                other = seen[problem.name]
                raise PackError(f"pack {pack.name} ({pack.folder}): row {problem.name!r} is already defined by "
                                f"{'the built-in catalog' if other == BUILT_IN else 'pack ' + other}; a row's name "
                                "is the function a learner defines, so every row of a run needs its own name")
            seen[problem.name] = pack.name
            rows.append(problem)
    return Rows(tuple(rows), tuple(packs))


def load_pack(spec: str, *, base: Path | None = None) -> Pack:
    """One pack: a folder holding `__init__.py`, an importable package's dotted name, or an
    installed pack's entry point name. Every row it defines is validated, and then its folder
    becomes part of the answer key."""
    base = Path.cwd() if base is None else Path(base)
    path = (base / spec).resolve()
    if spec.endswith(".py") or path.is_file():
        raise PackError(f"--catalog {spec}: a pack is a package (a folder with __init__.py that defines ROWS), "
                        "not a single file: put the module into a folder of its own, as its __init__.py")
    if path.is_dir():
        if not (path / "__init__.py").is_file():
            raise PackError(f"--catalog {spec}: the folder {path} has no __init__.py (a pack's __init__.py "
                            "defines ROWS)")
        return _import(spec, path.name, path, from_folder=True)
    installed = {ep.name: ep for ep in metadata.entry_points(group=GROUP)}
    if spec in installed:
        return _installed(installed[spec])
    if "/" in spec or "\\" in spec:
        raise PackError(f"--catalog {spec}: no such folder")
    try:
        found = importlib.util.find_spec(spec)
    except (ImportError, ValueError):
        found = None
    if found is None or not found.submodule_search_locations:
        what = "is not an importable package" if found is None else "is a module, not a package"
        raise PackError(f"--catalog {spec}: no such folder, and {spec} {what} (installed packs: "
                        f"{', '.join(sorted(installed)) or 'none'})")
    return _import(spec, spec, Path(list(found.submodule_search_locations)[0]).resolve(), from_folder=False)


def _installed(ep: metadata.EntryPoint) -> Pack:
    spec = importlib.util.find_spec(ep.value.split(":")[0])
    if spec is None or not spec.submodule_search_locations:
        raise PackError(f"installed pack {ep.name} ({GROUP} entry point {ep.value}): not an importable package")
    return _import(ep.name, ep.value.split(":")[0], Path(list(spec.submodule_search_locations)[0]).resolve(),
                   from_folder=False)


def _import(spec: str, module_name: str, folder: Path, *, from_folder: bool) -> Pack:
    try:
        return _checked(spec, module_name, folder, from_folder=from_folder)
    except PackError:
        if from_folder:  # so that the pack, once fixed, loads afresh in this process
            for name in [m for m in sys.modules if m == module_name or m.startswith(module_name + ".")]:
                del sys.modules[name]
        raise


def _checked(spec: str, module_name: str, folder: Path, *, from_folder: bool) -> Pack:
    try:
        if from_folder:
            module = _import_folder(module_name, folder)
        else:
            module = importlib.import_module(module_name)
    except PackError:
        raise
    except Exception as exc:  # noqa: BLE001  (the pack's own code: say what it raised, for its author)
        raise PackError(f"--catalog {spec}: importing the pack raised {type(exc).__name__}: {exc}") from exc
    rows = getattr(module, "ROWS", None)
    if not isinstance(rows, (tuple, list)) or not rows:
        raise PackError(f"--catalog {spec}: {folder / '__init__.py'} defines no ROWS (a tuple of "
                        "scanprops.pack.row(...))")
    names = [getattr(r, "name", None) for r in rows]
    twice = sorted({n for n in names if names.count(n) > 1 and n is not None})
    if twice:
        raise PackError(f"--catalog {spec}: the pack defines {', '.join(twice)} more than once")
    for problem in rows:
        try:
            validate(problem, where=f"pack {module.__name__}, {folder}")
        except RowError as exc:
            raise PackError(str(exc)) from None
    # The pack's code ran in this process only (the judge's); from now on no child is given its
    # folder (a child started before is replaced: scanprops/isolation.py). Only a pack that
    # loaded: a folder that turned out to be no pack (a library's) stays readable.
    isolation.add_answer_key(folder)
    return Pack(module.__name__, spec, folder, tuple(rows))


def _import_folder(name: str, folder: Path):
    """Import the package in `folder` under its folder's name (its modules import each other
    relatively: `from . import oracles`); the same folder twice is the same module."""
    existing = sys.modules.get(name)
    if existing is not None:
        where = getattr(existing, "__file__", None)
        if where and Path(where).resolve().parent == folder:
            return existing
        raise PackError(f"--catalog {folder}: a module named {name} is already imported from "
                        f"{where or 'elsewhere'}; rename the pack's folder")
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module
