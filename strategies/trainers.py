"""Inputs for the SGD rows (seeds 000, 001): w, lr, x_batches, y_batches.

The learning rate is drawn as a fraction of the stability bound of the data: with
lr <= 1 / (2 * max_n sum_b x[n, b]**2), each step multiplies an error in w by a factor
in [0, 1], so float32 rounding cannot be amplified and an exact comparison is meaningful.
(Above the bound the iteration diverges and any two float32 programs disagree.)
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from scanprops.cases import Case
from strategies.pools import STEPS, WIDTHS, float32_arrays, scalar32, unit_floats


def stable_lr(x_batches: np.ndarray, fraction: float) -> np.ndarray:
    energy = float(np.max(np.sum(np.asarray(x_batches, np.float64) ** 2, axis=1), initial=0.0))
    return scalar32(fraction * 0.5 / max(energy, 1.0))


@st.composite
def sgd_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """A w in [-2, 2], (N, B) data in [-2, 2], and a stable lr (0 included)."""
    if like is not None:
        n, b = like["x_batches"].shape
    else:
        n, b = draw(st.sampled_from(STEPS)), draw(st.sampled_from(WIDTHS))
    if length is not None:
        n = length
    x = draw(float32_arrays((n, b)))
    y = draw(float32_arrays((n, b)))
    w = scalar32(draw(unit_floats()))
    fraction = draw(st.one_of(st.just(0.0), st.floats(0.0, 1.0)))
    return Case.of(w=w, lr=stable_lr(x, fraction), x_batches=x, y_batches=y)


def sgd_edge_cases() -> tuple[Case, ...]:
    """N = 0, B = 1, lr = 0, all-zero data, then a typical case: always run, in this order,
    whatever Hypothesis draws (its first draws are the simplest, often all-zero, inputs).
    Explicit examples are not shrunk, so the simplest come first."""
    rng = np.random.default_rng(0)
    x31 = rng.uniform(-2, 2, (3, 1)).astype(np.float32)
    y31 = rng.uniform(-2, 2, (3, 1)).astype(np.float32)
    x24 = rng.uniform(-2, 2, (2, 4)).astype(np.float32)
    y24 = rng.uniform(-2, 2, (2, 4)).astype(np.float32)
    zeros = np.zeros((3, 2), np.float32)
    x53 = rng.uniform(-2, 2, (5, 3)).astype(np.float32)
    y53 = rng.uniform(-2, 2, (5, 3)).astype(np.float32)
    return (
        Case.of(w=scalar32(0.75), lr=scalar32(0.1), x_batches=np.zeros((0, 3), np.float32),
                y_batches=np.zeros((0, 3), np.float32)),  # N = 0: w unchanged
        Case.of(w=scalar32(-0.5), lr=stable_lr(x31, 0.8), x_batches=x31, y_batches=y31),  # B = 1
        Case.of(w=scalar32(1.25), lr=scalar32(0.0), x_batches=x24, y_batches=y24),  # lr = 0
        Case.of(w=scalar32(0.5), lr=scalar32(0.25), x_batches=zeros, y_batches=zeros),  # zero data
        Case.of(w=scalar32(0.3), lr=stable_lr(x53, 0.6), x_batches=x53, y_batches=y53),  # typical
    )
