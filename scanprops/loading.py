"""What --impl names, resolved where pytest was invoked. The module itself is never imported
here: a sandboxed child does that (scanprops/isolation.py, scanprops/child/importing.py)."""
from __future__ import annotations

from pathlib import Path

DEFAULT_IMPL = "impls.reference"


class ImplLoadError(Exception):
    """The module cannot be verified at all; the message says why, for a person."""


def looks_like_path(spec: str) -> bool:
    """Whether an implementation's spec names a file (`.py`, or a path with a separator) rather
    than a dotted module name. The judge's side asks here; the child, which imports nothing of
    the harness, decides the same in scanprops/child/importing.py."""
    return spec.endswith(".py") or "/" in spec or "\\" in spec


def resolve(spec: str, invocation_dir: Path) -> str:
    """A path made absolute against where pytest was invoked; a dotted name unchanged."""
    if looks_like_path(spec):
        return str((invocation_dir / spec).resolve())
    return spec

