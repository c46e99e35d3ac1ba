"""The first divergence: a value failure on a row with a step axis names the first step whose
error exceeds its allowance, what that step computed from, and carries every step's error and
allowance as data (scanprops/steps.py)."""
from __future__ import annotations

import numpy as np
import pytest

from scanprops.cases import Case
from scanprops.catalog import BY_NAME, CATALOG
from scanprops.failure import PropertyFailure
from scanprops.steps import StepAxis, first_divergence
from tests import proof


def test_the_first_step_over_its_allowance_is_named_and_every_step_is_data():
    axis = StepAxis("out", "the sum through xs[{i}]")
    expected = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    actual = np.array([1.0, 2.0 + 1e-9, 3.5, 4.0, 7.0])
    atol = np.full(5, 1e-6)
    found = first_divergence(axis, Case.of(xs=expected), expected, actual, atol)
    assert found is not None and found.first == 2
    assert found.errors[1] <= found.allowed[1] and found.errors[2] > found.allowed[2]
    assert len(found.errors) == len(found.allowed) == 5
    assert "out[2] is the first wrong value" in found.text and "2 of the 2 later steps" not in found.text
    assert "1 of the 2 later steps wrong too" in found.text
    assert found.data()["first"] == 2 and found.data()["errors"][4] == pytest.approx(2.0)


def test_no_divergence_where_every_step_is_within_or_the_layout_differs():
    axis = StepAxis("losses", "the loss at the weight before step {i}", part=slice(1, None))
    expected = np.array([9.0, 1.0, 2.0])
    wrong_final_w_only = np.array([8.0, 1.0, 2.0])
    assert first_divergence(axis, Case.of(), expected, wrong_final_w_only, 1e-6) is None
    assert first_divergence(axis, Case.of(), expected, np.zeros(2), 1e-6) is None  # another shape
    nan_in_both = np.array([9.0, np.nan, 2.0])
    assert first_divergence(axis, Case.of(), nan_in_both, nan_in_both.copy(), 1e-6) is None


def test_an_rnn_state_diverges_on_its_worst_unit():
    axis = BY_NAME["rnn_forward"].steps
    expected = np.zeros((3, 2))
    actual = expected.copy()
    actual[1, 1] = 1.0
    found = first_divergence(axis, Case.of(), expected, actual, np.full((3, 2), 1e-3))
    assert found.first == 1 and found.errors == (0.0, 1.0, 0.0)


def test_rows_with_a_step_axis_say_so_as_data():
    with_steps = {p.name for p in CATALOG if p.steps is not None}
    assert {"scan_collect_losses", "running_sum", "custom_cumsum", "ema", "rnn_forward"} <= with_steps
    # Rows whose output is only the final state have no step axis to point along.
    assert not with_steps & {"scan_training_step", "scan_rnn_forward", "newton_iteration", "safe_divide"}


def _failure(module: str, function: str, family: str) -> PropertyFailure:
    with pytest.raises(PropertyFailure) as caught:
        proof.run(f"impls.wrong.{module}", function, family)
    return caught.value


def test_post_update_losses_name_the_first_wrong_loss_and_its_inputs():
    failure = _failure("collect_post_update_loss", "scan_collect_losses", "pre_update")
    found = failure.divergence
    assert found is not None and found.name == "losses"
    n = failure.case["x_batches"].shape[0]
    assert len(found.errors) == len(found.allowed) == n
    assert all(e <= a for e, a in zip(found.errors[:found.first], found.allowed[:found.first]))
    assert found.errors[found.first] > found.allowed[found.first]
    assert f"losses[{found.first}] is the first wrong value, the loss at the weight before step {found.first}" \
        in failure.text
    assert f"x_batches[{found.first}] = " in failure.text and "(oracle)" in failure.text


def test_a_sum_that_stops_after_64_elements_diverges_at_element_64():
    failure = _failure("cumsum_first_64_padded", "custom_cumsum", "oracle")
    found = failure.divergence
    assert found is not None
    assert found.first >= 64, failure.text  # the first 64 sums are right: the message points past them
    assert all(e <= a for e, a in zip(found.errors[:64], found.allowed[:64]))
    assert f"out[{found.first}] is the first wrong value" in failure.text
    assert f"xs[{found.first}] = " in failure.text
