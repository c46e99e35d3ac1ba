"""What reaches the learner when a property's run is cut short or does not replay: one error or
one failure, never a Hypothesis FlakyFailure ("Inconsistent results from replaying")."""
from __future__ import annotations

import pytest
from hypothesis import strategies as st

from scanprops.call import BudgetSpent
from scanprops.failure import PropertyFailure
from scanprops.props.checking import hypothesis_check


def test_a_spent_budget_met_at_two_places_is_one_budget_error():
    """The budget runs out during one call; the next call refuses at once from another line.
    Hypothesis took the first for a failing input and replayed it: FlakyFailure."""
    calls = []

    def check(n):
        calls.append(n)
        if len(calls) == 3:
            raise BudgetSpent("not run: the run's time budget of 9 s (--time-budget) was spent (during a call)")
        if len(calls) > 3:
            raise BudgetSpent("not run: the run's time budget of 9 s (--time-budget) was spent")

    with pytest.raises(BudgetSpent, match="time budget of 9 s"):
        hypothesis_check(st.integers(0, 100), check)
    assert len(calls) == 3, "the property went on after the budget was spent"


def test_a_failure_that_does_not_recur_on_replay_is_that_failure_saying_so():
    seen: set[int] = set()

    def check(n):
        if n >= 5 and n not in seen:  # fails the first time each input is met, never again
            seen.add(n)
            raise PropertyFailure("running_sum", "oracle", f"running_sum: property `oracle` failed at {n}")

    with pytest.raises(PropertyFailure) as failure:
        hypothesis_check(st.integers(0, 100), check)
    assert failure.value.family == "oracle" and failure.value.problem == "running_sum"
    assert "property `oracle` failed at" in failure.value.text
    assert "did not fail this way" in failure.value.text
    assert "Flaky" not in failure.value.text
