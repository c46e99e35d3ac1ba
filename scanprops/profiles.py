"""Hypothesis profiles: a fast deterministic default, `ci`, and `thorough`; what a run of each
costs, and the time limits that follow from it.

Deterministic (derandomize, no example database) so two runs give the same verdicts; no
Hypothesis deadline, because the first call of each shape spends most of its time compiling and
a deadline would misfire on it (a hang is stopped by the call deadlines of
scanprops/isolation.py, and the judge's own work by pytest-timeout's per-test limit).

`thorough` draws fresh random inputs (200 per property) at larger sizes (strategies/pools.py).
A run's cost grows with the examples drawn, so its limits do too: `time_budget_s` (the whole
run's budget, --time-budget's default with --impl) and `per_test_timeout_s` (pytest-timeout's limit
per test, unless --timeout is given) scale today's defaults, 600 s and 300 s at 10 examples, by
the measured cost of a run at the profile's examples against one at 10 (COST_S; docs/speed.md
"What a profile costs").
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


# The reference's whole catalog as one learner's file (`pytest -n auto --impl FILE`), 2 CPU cores:
# (examples per property, wall-clock seconds), measured (docs/speed.md "What a profile costs";
# thorough's on a shared machine at a load of 6 to 8, so an overestimate of a quiet one's).
COST_S = ((10, 120.0), (200, 1024.0))
BUDGET_AT_10_S = 600.0  # the run's budget at 10 examples: 5x the run, room for a slow machine
TEST_TIMEOUT_AT_10_S = 300.0  # one property of one row at 10 examples (the slowest takes ~20 s)


def run_cost_s(examples: int) -> float:
    """What a run drawing `examples` per property costs, on the line through COST_S."""
    (e0, c0), (e1, c1) = COST_S
    return c0 + (c1 - c0) * (max(examples, 1) - e0) / (e1 - e0)


def _scale(name: str | None) -> float:
    examples = (settings.get_profile(name) if name else settings()).max_examples
    return max(1.0, run_cost_s(examples) / run_cost_s(COST_S[0][0]))


def time_budget_s(name: str | None = None) -> float:
    """The whole run's default time budget under profile `name` (default: the current one)."""
    return BUDGET_AT_10_S * _scale(name)


def per_test_timeout_s(name: str | None = None) -> float:
    """pytest-timeout's default limit for one test under profile `name` (default: the current)."""
    return TEST_TIMEOUT_AT_10_S * _scale(name)


def chosen(explicit: str | None) -> str:
    """The profile asked for, else `ci` under CI, else `default`."""
    return explicit or ("ci" if os.environ.get("CI") else "default")


def load(explicit: str | None) -> str:
    """Load the profile `chosen` picks; return its name."""
    name = chosen(explicit)
    settings.load_profile(name)
    return name
