"""Known-wrong implementations: one plausible learner bug per module.

Each module defines the buggy function(s) under the catalog's names and a `BUG` saying which
property must reject it. The harness's own tests (tests/test_wrong_impls_fail.py) run that
property on the module and require a failure of exactly that property; `passes` lists
properties that must still hold, which proves that only the named one catches the bug
(e.g. a bug only `jit` can see). Any module here can also be tried by hand:
`pytest -n auto --impl impls/wrong/<module>.py`.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bug:
    function: str  # the catalog function the module gets wrong
    caught_by: str  # the property family that must fail
    pitfall: str = ""  # text the failure message must contain (e.g. a known pitfall's name)
    passes: tuple[str, ...] = ()  # families that must still pass
    why: str = ""  # the bug, in one line
