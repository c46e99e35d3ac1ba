"""Import the implementation under test, and explain in one message when that is impossible."""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import traceback
from pathlib import Path
from types import ModuleType

DEFAULT_IMPL = "impls.reference"


class ImplLoadError(Exception):
    """The module cannot be verified at all; the message says why, for a person."""


def looks_like_path(spec: str) -> bool:
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def resolve(spec: str, invocation_dir: Path) -> str:
    """A path made absolute against where pytest was invoked; a dotted name unchanged."""
    if looks_like_path(spec):
        return str((invocation_dir / spec).resolve())
    return spec


def load(spec: str) -> ModuleType:
    """Import `spec` (a .py path or a dotted module name) or raise ImplLoadError."""
    if looks_like_path(spec):
        path = Path(spec)
        if not path.is_file():
            hint = " (it is a directory; name the .py file)" if path.is_dir() else ""
            raise ImplLoadError(f"--impl {spec}: no such file{hint}.")
        name = f"scanprops_impl_{path.stem}"
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise ImplLoadError(f"--impl {spec}: not a Python module.")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        sys.path.insert(0, str(path.parent))  # let the learner import their own helpers
        try:
            _run(lambda: module_spec.loader.exec_module(module), spec, str(path))
        except ImplLoadError:
            sys.modules.pop(name, None)
            raise
        return module
    holder: list[ModuleType] = []
    try:
        _run(lambda: holder.append(importlib.import_module(spec)), spec, None)
    except ImplLoadError as exc:
        if f"No module named '{spec.split('.')[0]}'" in str(exc):
            raise ImplLoadError(
                f"--impl {spec}: no module of that name is importable from here "
                f"(a file path must end in .py)."
            ) from None
        raise
    return holder[0]


def _run(action, spec: str, path: str | None) -> None:
    try:
        action()
    except SyntaxError as exc:
        line = (exc.text or "").rstrip()
        where = f"{exc.filename}, line {exc.lineno}"
        raise ImplLoadError(
            f"--impl {spec} does not import: SyntaxError in {where}: {exc.msg}"
            + (f"\n    {line}\n    {' ' * max((exc.offset or 1) - 1, 0)}^" if line else "")
        ) from None
    except SystemExit as exc:
        raise ImplLoadError(f"--impl {spec} called exit({exc.code!r}) while being imported.") from None
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if path is None or f.filename == path]
        where = f" (line {frames[-1].lineno}: {frames[-1].line})" if frames else ""
        raise ImplLoadError(
            f"--impl {spec} does not import: {type(exc).__name__}: {exc}{where}"
        ) from None


def signature_problem(fn, expected: tuple[str, ...], signature: str) -> str:
    """Why `fn` cannot be called with the catalog's positional arguments, or '' when it can."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return ""  # builtins and C functions: let the call decide
    try:
        sig.bind(*expected)
    except TypeError as exc:
        return (
            f"its signature is {fn.__name__}{sig}, but the catalog calls {signature} "
            f"with {len(expected)} positional arguments ({exc})."
        )
    return ""
