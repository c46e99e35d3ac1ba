"""Inputs for the SGD rows (seeds 000, 001): w, lr, x_batches, y_batches.

Domain: N >= 0 batches of B >= 1 samples, any finite data, any lr >= 0 at which the loop is
stable. The learning rate is drawn as a fraction in [0, 1] of the data's stability bound
1 / max_n sum_b x[n, b]**2, the bound itself included: each step multiplies an error in w by
1 - 2 lr sum_b x[n, b]**2, in [-1, 1] there, so float32 rounding is never amplified and an exact
comparison is meaningful. (Above the bound the iteration diverges and any two float32 programs
disagree.) Small data make the bound large, so lr reaches far past 1; data with no energy (all
zero, or N = 0) admit any lr, drawn across decades. x, y and w are unit-sized values scaled by
independent powers of two in [2**-6, 2**6], so magnitudes span several decades while losses stay
far inside float32's range.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from scanprops.cases import Case
from scanprops.strategies.pools import (
    STEPS,
    WIDTHS,
    Signatures,
    float32_arrays,
    powers_of_two,
    rng,
    scalar32,
    unit_floats,
)

MAGNITUDE = 6  # data, targets and w are scaled by 2**e, |e| <= MAGNITUDE

# (N, B): the edge cases' (sgd_edge_cases), then N = 1; two odd pairs; the large one.
SIZES = Signatures((STEPS, WIDTHS), small=((0, 3), (1, 2), (3, 1), (2, 4), (3, 2), (5, 3)),
                   odd=((9, 17), (33, 9)))


def stability_bound(x_batches: np.ndarray) -> float:
    """1 / max_n sum_b x[n, b]**2, or inf when the data have no energy."""
    energy = float(np.max(np.sum(np.asarray(x_batches, np.float64) ** 2, axis=1), initial=0.0))
    return 1.0 / energy if energy > 0 else float("inf")


def stable_lr(x_batches: np.ndarray, fraction: float, free: float = 1.0) -> np.ndarray:
    """fraction * the stability bound; where the data admit any lr, fraction * free."""
    bound = stability_bound(x_batches)
    return scalar32(fraction * (bound if np.isfinite(bound) else free))


@st.composite
def sgd_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """(N, B) from SIZES; w, x, y unit values times powers of two; lr a fraction of the
    stability bound (0 and the bound itself included). Shrinks towards N = 0, zeros, magnitude
    1 and lr = 0."""
    if like is not None:
        n, b = like["x_batches"].shape
    else:
        n, b = draw(SIZES.draw())
    if length is not None:
        n = length
    x = draw(float32_arrays((n, b))) * np.float32(draw(powers_of_two(-MAGNITUDE, MAGNITUDE)))
    y = draw(float32_arrays((n, b))) * np.float32(draw(powers_of_two(-MAGNITUDE, MAGNITUDE)))
    w = scalar32(draw(unit_floats()) * draw(powers_of_two(-MAGNITUDE, MAGNITUDE)))
    fraction = draw(st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 1.0)))
    free = draw(powers_of_two(-10, 10))
    return Case.of(w=w, lr=stable_lr(x, fraction, free), x_batches=x, y_batches=y)


UNCONVERGED = 1.0 - 2.0**-8  # salt 0's lr, as a fraction of the stability bound


def sgd_large_case(salt: int, length: int | None = None) -> Case:
    """N and B at their large sizes (N = `length` when given), small data and larger targets,
    lr at 0.9 of the stability bound: past 1, as small data allow. Salt 0 (the input every
    property runs) never converges: every batch has the same energy (x = +-2**-4), lr is
    UNCONVERGED of the bound, so each step multiplies w's distance from its batch's least-squares
    weight by 1 - 2 lr sum x**2 = -(1 - 2**-7): w is reflected across a different target every
    step, and after N steps it still carries w0 and every batch ((1 - 2**-7)**79 = 0.54)."""
    r = rng(salt, "sgd")
    n, b = STEPS.big() if length is None else length, WIDTHS.big()
    if salt == 0:
        x = (r.choice((-1.0, 1.0), (n, b)) * 2.0**-4).astype(np.float32)
        y = (x * r.uniform(-2, 2, (n, 1))).astype(np.float32)  # each batch fits its own weight
        return Case.of(w=scalar32(r.uniform(-2, 2)), lr=stable_lr(x, UNCONVERGED), x_batches=x, y_batches=y)
    x = (r.uniform(-2, 2, (n, b)) * 2.0 ** r.integers(-5, -3)).astype(np.float32)
    y = (r.uniform(-2, 2, (n, b)) * 2.0 ** r.integers(-2, 3)).astype(np.float32)
    return Case.of(w=scalar32(r.uniform(-2, 2)), lr=stable_lr(x, 0.9), x_batches=x, y_batches=y)


def sgd_edge_cases() -> tuple[Case, ...]:
    """N = 0, B = 1, lr = 0, all-zero data, a typical case, a cancelling one: always run, in this order,
    whatever Hypothesis draws (its first draws are the simplest, often all-zero, inputs).
    Explicit examples are not shrunk, so the simplest come first."""
    r = np.random.default_rng(0)
    x31 = r.uniform(-2, 2, (3, 1)).astype(np.float32)
    y31 = r.uniform(-2, 2, (3, 1)).astype(np.float32)
    x24 = r.uniform(-2, 2, (2, 4)).astype(np.float32)
    y24 = r.uniform(-2, 2, (2, 4)).astype(np.float32)
    zeros = np.zeros((3, 2), np.float32)
    x53 = r.uniform(-2, 2, (5, 3)).astype(np.float32)
    y53 = r.uniform(-2, 2, (5, 3)).astype(np.float32)
    return (
        Case.of(w=scalar32(0.75), lr=scalar32(0.1), x_batches=np.zeros((0, 3), np.float32),
                y_batches=np.zeros((0, 3), np.float32)),  # N = 0: w unchanged
        Case.of(w=scalar32(-0.5), lr=stable_lr(x31, 0.4), x_batches=x31, y_batches=y31),  # B = 1
        Case.of(w=scalar32(1.25), lr=scalar32(0.0), x_batches=x24, y_batches=y24),  # lr = 0
        Case.of(w=scalar32(0.5), lr=scalar32(0.25), x_batches=zeros, y_batches=zeros),  # zero data
        Case.of(w=scalar32(0.3), lr=stable_lr(x53, 0.3), x_batches=x53, y_batches=y53),  # typical
        # a step whose factor 1 - 2 lr sum(x^2) is 4e-9: the gradient is a difference of terms of
        # size 1 inside the step's Jacobian (a false alarm of the flip hunt, seed 202)
        Case.of(w=scalar32(0.0), lr=scalar32(1 / 9), x_batches=np.array([[0, 0, 1.5, 1.5], [1.5] * 4], np.float32),
                y_batches=np.zeros((2, 4), np.float32)),
    )
