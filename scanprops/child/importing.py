"""Importing the implementation under test into the child (a .py path or a dotted name), and
which of the catalog's functions it defines whose signature does not fit: what the Load and
Inspect requests ask. A module that cannot be imported is a LoadError, saying why for a person.
"""
from __future__ import annotations

import os
import sys
import traceback

from .failures import first_line


class LoadError(Exception):
    """The module cannot be verified at all; the message says why, for a person."""


def load(spec: str, label: str):
    """Import `spec` (a .py path or a dotted module name) or raise LoadError; `label` is how the
    person named it (--impl ...)."""
    import importlib
    import importlib.util

    if spec.endswith(".py") or "/" in spec:
        if not os.path.isfile(spec):
            raise LoadError(f"--impl {label}: no such file.")
        stem = os.path.splitext(os.path.basename(spec))[0]
        name = stem if stem.isidentifier() and stem not in sys.modules else "submission"
        module_spec = importlib.util.spec_from_file_location(name, spec)
        if module_spec is None or module_spec.loader is None:
            raise LoadError(f"--impl {label}: not a Python module.")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        _run(lambda: module_spec.loader.exec_module(module), label, spec)
        return module
    holder: list = []
    try:
        _run(lambda: holder.append(importlib.import_module(spec)), label, None)
    except LoadError as exc:
        if f"No module named '{spec.split('.')[0]}'" in str(exc):
            raise LoadError(f"--impl {label}: no module of that name is importable from here "
                            "(a file path must end in .py).") from None
        raise
    return holder[0]


def _run(action, label: str, path) -> None:
    try:
        action()
    except SyntaxError as exc:
        line = (exc.text or "").rstrip()
        where = f"{exc.filename}, line {exc.lineno}"
        raise LoadError(f"--impl {label} does not import: SyntaxError in {where}: {exc.msg}"
                        + (f"\n    {line}\n    {' ' * max((exc.offset or 1) - 1, 0)}^" if line else "")) from None
    except SystemExit as exc:
        raise LoadError(f"--impl {label} called exit({exc.code!r}) while being imported.") from None
    except MemoryError:
        raise LoadError(f"--impl {label} ran out of memory while being imported.") from None
    except Exception as exc:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if path is None or f.filename == path]
        where = f" (line {frames[-1].lineno}: {frames[-1].line})" if frames else ""
        raise LoadError(f"--impl {label} does not import: {type(exc).__name__}: {first_line(exc)}{where}") from None


def signature_problem(fn, expected, signature: str) -> str:
    """Why `fn` cannot be called with the catalog's positional arguments, or '' when it can."""
    import inspect

    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return ""  # builtins and C functions: let the call decide
    try:
        sig.bind(*expected)
    except TypeError as exc:
        return (f"its signature is {getattr(fn, '__name__', 'f')}{sig}, but the catalog calls {signature} "
                f"with {len(expected)} positional arguments ({exc}).")
    return ""


def inspect_module(module, catalog: dict, limit: int) -> dict:
    """{"provided": [names], "signature": {name: problem}} for the catalog {name: (argnames, signature)},
    each problem cut to `limit` characters."""
    provided, problems = [], {}
    for name, (argnames, signature) in catalog.items():
        fn = getattr(module, name, None)
        if callable(fn):
            provided.append(name)
            why = signature_problem(fn, tuple(argnames), signature)
            if why:
                problems[name] = why[:limit]
    return {"provided": provided, "signature": problems}
