"""The pack's inputs, built only from the harness's public building blocks (scanprops.pack).

- prefix_max: xs of length N from the harness's long-tailed STEPS pool (0 and 1 included, some
  odd sizes, one in ten at the large size), distinct values (a tie has no single gradient: at
  max(a, a) any split of the cotangent is right), scaled across decades.
- momentum_descent: w and the targets unit-sized times a power of two; lr in [0, 1] and beta in
  [0, 0.9] (drawn up to 0.875, and 0.9 itself), where the heavy-ball iteration on a curvature-1
  loss contracts (its matrix's spectral radius stays below 1), so rounding is not amplified past
  the running bound of __init__.py.
- power_iteration: A = Q diag(lam) Q^T symmetric with lam[0] = 1 and the others within
  [-1/2, 1/2] (a gap, so the iteration converges and damps its errors), v0 a unit vector whose
  component along the dominant eigenvector is at least 1/2 (so A v never vanishes).
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scanprops.pack import (
    FEATURES,
    KEYWORD,
    OMITTED,
    STEPS,
    Case,
    Signatures,
    powers_of_two,
    rng,
    scalar32,
    unit_floats,
)


# --- prefix_max ---------------------------------------------------------------------------------
def distinct(n: int):
    """float32 arrays of n distinct values in [-2, 2] (no subnormals), times one power of two."""
    values = hnp.arrays(np.float32, (n,), elements=unit_floats(2.0), unique=True)
    return st.tuples(values, powers_of_two(-20, 20)).map(lambda t: (t[0] * np.float32(t[1])).astype(np.float32))


@st.composite
def prefix_cases(draw, length=None, like=None):
    n = like["xs"].shape[0] if like is not None else draw(STEPS.sizes())
    return Case.of(xs=draw(distinct(n if length is None else length)))


def prefix_large(salt: int, length=None) -> Case:
    n = STEPS.big() if length is None else length
    xs = rng(salt, "prefix_max").permutation(n).astype(np.float32) - np.float32(n / 2)
    if salt == 0 and n:
        xs[0] = np.float32(4 * n)  # the first value is the maximum of every prefix
    return Case.of(xs=xs)


def prefix_edges() -> tuple[Case, ...]:
    return (Case.of(xs=np.zeros((0,), np.float32)), Case.of(xs=np.array([-1.5], np.float32)),
            Case.of(xs=np.array([1.0, 2.0, 3.0, 4.0], np.float32)),  # increasing: out == xs
            Case.of(xs=np.array([4.0, 3.0, 2.0, 1.0], np.float32)),  # decreasing: out == xs[0]
            Case.of(xs=np.array([-3.0, -7.0, -1.0, -2.0, -0.5], np.float32)))  # all negative


# --- momentum_descent ---------------------------------------------------------------------------
def _momentum(w, targets, lr, beta) -> Case:
    return Case.of(w=scalar32(w), targets=np.asarray(targets, np.float32), lr=scalar32(lr), beta=scalar32(beta))


@st.composite
def momentum_cases(draw, length=None, like=None):
    n = like["targets"].shape[0] if like is not None else draw(STEPS.sizes())
    n = n if length is None else length
    scale = np.float32(draw(powers_of_two(-6, 6)))
    targets = draw(hnp.arrays(np.float32, (n,), elements=unit_floats(2.0))) * scale
    lr = draw(st.one_of(st.sampled_from((0.0, 0.1, 1.0)), st.floats(0.0, 1.0, width=32, allow_subnormal=False)))
    beta = draw(st.one_of(st.sampled_from((0.0, 0.5, 0.9)), st.floats(0.0, 0.875, width=32, allow_subnormal=False)))
    return _momentum(draw(unit_floats(2.0)) * scale, targets, lr, beta)


def momentum_large(salt: int, length=None) -> Case:
    r = rng(salt, "momentum")
    n = STEPS.big() if length is None else length
    return _momentum(r.uniform(-2, 2), r.uniform(-2, 2, n), (0.05, 0.3, 0.9)[salt % 3], (0.9, 0.5, 0.0)[salt % 3])


def momentum_edges() -> tuple[Case, ...]:
    data = np.array([1.0, -2.0, 0.5, 1.5, 2.0], np.float32)
    return (_momentum(0.5, np.zeros((0,), np.float32), 0.1, 0.9),  # N = 0
            _momentum(0.5, data, 0.1, 0.9).called(lr=OMITTED, beta=OMITTED),  # the defaults
            _momentum(-1.0, data, 0.3, 0.9).called(lr=KEYWORD, beta=OMITTED),
            _momentum(2.0, data, 0.0, 0.5),  # lr = 0: w never moves, v accumulates
            _momentum(1.0, data, 1.0, 0.0))  # beta = 0: plain gradient descent


# --- power_iteration ----------------------------------------------------------------------------
# (D, n_iter): the edge cases' signatures first, small sizes of both axes, two odd ones.
POWER_SIZES = Signatures((FEATURES, STEPS), small=((3, 0), (3, 1), (1, 3), (2, 2), (5, 5), (3, 3)),
                         odd=((9, 9), (9, 33)))


def symmetric(r: np.random.Generator, d: int, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A = Q diag(1, others) Q^T and its dominant eigenvector Q[:, 0]."""
    q, _ = np.linalg.qr(r.normal(size=(d, d)))
    lam = np.concatenate([[1.0], others])[:d]
    return (q * lam) @ q.T, q[:, 0]


def start(r: np.random.Generator, top: np.ndarray, cosine: float) -> np.ndarray:
    """A unit vector at `cosine` with `top`."""
    other = r.normal(size=top.shape)
    other -= other @ top * top
    norm = np.linalg.norm(other)
    other = other / norm if norm > 0 else other
    return cosine * top + np.sqrt(max(1.0 - cosine**2, 0.0)) * other


def _power(A, v0, n) -> Case:
    return Case.of(A=np.asarray(A, np.float32), v0=np.asarray(v0, np.float32), n_iter=int(n))


@st.composite
def power_cases(draw, length=None, like=None):
    if like is not None:
        d, n = like["v0"].shape[0], like["n_iter"]
    else:
        d, n = draw(POWER_SIZES.draw())
    n = n if length is None else length
    r = rng(draw(st.integers(0, 2**16)), "power")
    others = np.asarray(draw(st.lists(st.floats(-0.5, 0.5), min_size=d - 1, max_size=d - 1)))
    A, top = symmetric(r, d, others)
    return _power(A, start(r, top, draw(st.floats(0.5, 1.0))), n)


def power_large(salt: int, length=None) -> Case:
    r = rng(salt, "power large")
    d, n = FEATURES.big(), STEPS.big() if length is None else length
    # the domain's slowest gap (second eigenvalue 0.5) and its poorest start (cosine 0.5)
    A, top = symmetric(r, d, np.linspace(0.5, -0.5, d - 1))
    return _power(A, start(r, top, 0.5), n)


def power_edges() -> tuple[Case, ...]:
    r = np.random.default_rng(7)
    A3, top3 = symmetric(r, 3, np.array([0.5, -0.25]))
    return (_power(A3, start(r, top3, 0.6), 0),  # n_iter = 0: v0 itself
            _power(A3, start(r, top3, 0.6), 1),
            _power([[1.0]], [1.0], 3),  # D = 1
            _power(A3, start(r, top3, 0.9), 20).called(n_iter=OMITTED),  # the default
            _power(A3, start(r, top3, 0.9), 5).called(n_iter=KEYWORD))
