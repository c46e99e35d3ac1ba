"""Hypothesis profiles: a fast deterministic default, `ci`, and `thorough`.

Deterministic (derandomize, no example database) so two runs give the same verdicts; no
deadline, because the first call of each shape spends most of its time compiling and a
deadline would misfire on it (the deadline cannot stop a hang anyway: pytest-timeout does).
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_COMMON = dict(
    derandomize=True,
    database=None,
    deadline=None,
    report_multiple_bugs=False,  # the smallest failure, not a group of them
    # No `explain` phase: it re-runs a failing test many times (7 of 8 s for an unrolled loop)
    # to annotate lines, and our messages already say what failed and why.
    phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

settings.register_profile("default", max_examples=10, **_COMMON)
settings.register_profile("ci", max_examples=10, print_blob=True, **_COMMON)
settings.register_profile(
    "thorough", **{**_COMMON, "derandomize": False}, max_examples=200,
)


def load(explicit: str | None) -> str:
    """Load the profile asked for, else `ci` under CI, else `default`; return its name."""
    name = explicit or ("ci" if os.environ.get("CI") else "default")
    settings.load_profile(name)
    return name
