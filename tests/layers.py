"""The one rule for tests that attack a kernel layer (scanprops/confinement.py): on a machine
that lacks the layer, such a test is skipped, saying which layer and why it is missing (a
learner's laptop, an old kernel, a container); under CI (CI set, as `.ci/run` runs), whose machine
has every layer, a missing layer fails the test instead, so no attack test is ever skipped there
unnoticed."""
from __future__ import annotations

import os

import pytest

from scanprops import confinement

OFFERED = confinement.probe()


def require(*layers: str, landlock_abi: int = 1) -> None:
    """Skip (fail under CI) unless this machine applies every named layer (Landlock at least
    `landlock_abi`: TCP needs ABI 4, signal scoping 6)."""
    missing = [f"{n}: {OFFERED.get(n)}" for n in layers if not confinement.applied(OFFERED.get(n))]
    if "landlock" in layers and not missing and OFFERED["landlock"] < landlock_abi:
        missing.append(f"landlock: ABI {OFFERED['landlock']}, this test needs {landlock_abi}")
    if missing:
        why = "this machine lacks the sandbox layer " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(why + " (CI's machine must have every layer)")
        pytest.skip(why)
