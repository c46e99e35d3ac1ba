"""A wheel of the harness from a checkout (the bundles ship one; tests/test_packaging.py installs
one), built from a clean copy of the checkout's files.

`pip wheel CHECKOUT` builds in the checkout itself, and setuptools keeps what it copied there in
build/lib/ from one build to the next: a module deleted or renamed since the last build is still
in build/lib/, and the next wheel ships it. A copy without build/ (and without the virtual
environments, caches and VCS data, which the wheel never holds) has no such memory. (pip has no
option for an out-of-tree build directory with setuptools, so the copy is written here.)"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["build"]

LEFT_OUT = (".git", ".venv*", ".ci-venv*", "venv", "build", "dist", "*.egg-info", ".hypothesis", "__pycache__",
            ".nox", ".pytest_cache", "benchmarks", "versions", "docs", "tests", "impls", "examples")


def build(checkout: str | Path, out: str | Path, *, timeout: float = 600) -> Path:
    """Build the harness's wheel from `checkout` into `out`; its path. RuntimeError with pip's
    own words when the build fails."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="scanprops-wheel-") as scratch:
        copy = Path(scratch) / "scanprops-src"
        shutil.copytree(checkout, copy, ignore=shutil.ignore_patterns(*LEFT_OUT), symlinks=True)
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(copy)]
        built = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    wheels = sorted(out.glob("scanprops-*.whl"), key=lambda p: p.stat().st_mtime)
    if built.returncode != 0 or not wheels:
        raise RuntimeError(f"building the harness's wheel failed:\n{built.stderr[-2000:]}")
    return wheels[-1]
