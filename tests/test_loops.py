"""scanprops.loops.assert_matches_loop: a right scan program passes under every transformation; wrong
ones fail the check that sees their bug, with the harness's message."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanprops.failure import PropertyFailure
from scanprops.loops import assert_matches_loop
from scanprops.pack import STEPS, arrays

W = np.array([[0.5, -0.25], [0.125, 0.375]], np.float32)


def step(h, x):
    h = jnp.tanh(W @ h + x)
    return h, h


def rnn(h0, xs):
    return jax.lax.scan(step, h0, xs)


def cumsum_step(total, x):
    total = total + x
    return total, total


H0 = np.array([0.5, -1.0], np.float32)
XS = np.linspace(-2, 2, 14, dtype=np.float32).reshape(7, 2)


def test_a_right_program_passes_under_jit_grad_and_vmap():
    assert_matches_loop(rnn, step, H0, XS, width=3)
    assert_matches_loop(lambda c, xs: jax.lax.scan(cumsum_step, c, xs), cumsum_step, np.float32(0.0),
                        np.arange(9, dtype=np.float32), name="running_sum")


@settings(max_examples=5, deadline=None, derandomize=True, database=None)
@given(st.data())
def test_with_hypothesis_inputs_from_the_harness_building_blocks(data):
    n = data.draw(STEPS.sizes().filter(lambda k: k < 40))
    xs = data.draw(arrays((n, 2)))
    assert_matches_loop(rnn, step, H0, xs, width=3, transforms=("value", "jit", "vmap"))


def test_a_reversed_scan_fails_the_value_check_with_its_hint():
    def backwards(h0, xs):
        return jax.lax.scan(step, h0, xs, reverse=True)

    with pytest.raises(PropertyFailure) as failure:
        assert_matches_loop(backwards, step, H0, XS, width=3)
    assert failure.value.family == "value" and failure.value.problem == "backwards"
    assert "the scan ran in reverse" in str(failure.value)
    assert "allowed:" in str(failure.value)


def test_a_stop_gradient_fails_only_the_gradient_check():
    def frozen(h0, xs):
        def body(h, x):
            h = jnp.tanh(W @ jax.lax.stop_gradient(h) + x)
            return h, h
        return jax.lax.scan(body, h0, xs)

    assert_matches_loop(frozen, step, H0, XS, width=3, transforms=("value", "jit", "vmap"))
    with pytest.raises(PropertyFailure) as failure:
        assert_matches_loop(frozen, step, H0, XS, width=3)
    assert failure.value.family == "grad" and "gradient with respect to `init`" in str(failure.value)


def test_state_captured_at_trace_time_fails_the_jit_check():
    calls = []

    def counted(h0, xs):
        calls.append(1)
        carry, hs = jax.lax.scan(step, h0, xs)
        return carry + (len(calls) - 1) * 1e-3, hs

    with pytest.raises(PropertyFailure) as failure:
        assert_matches_loop(counted, step, H0, XS, width=3)
    assert failure.value.family == "jit" and "captured at trace time" in str(failure.value)


def test_a_result_of_another_structure_is_named():
    with pytest.raises(PropertyFailure, match="not \\(final carry, stacked outputs\\)"):
        assert_matches_loop(lambda h0, xs: rnn(h0, xs)[1], step, H0, XS)
    with pytest.raises(ValueError, match="unknown transforms"):
        assert_matches_loop(rnn, step, H0, XS, transforms=("pmap",))
