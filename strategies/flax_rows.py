"""Inputs for the Flax rows (seeds 002, 003): a seed, x, the hidden size H, and T.

The seed is a static argument (under jit every new one recompiles the whole init and apply,
about 1 s for a GRU), so it is part of a row's signature: each row draws (seed, sizes) whole from
a short list (strategies/pools.py, `Signatures`): the edge cases' own, one more that meets the
remaining small sizes, two odd ones with large arbitrary seeds, and the large one. The seeds met
are 0 to 3, the largest int32 seed (which `PRNGKey` must take without overflow), two other large
ones and the large input's. x is unit-sized data scaled by 2**e, |e| <= 3: at 2**-3 tanh and the
sigmoid gates are nearly linear, at 2**3 they saturate. Everything shrinks towards the first edge
case's signature and all-zero x.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from scanprops.cases import Case
from scanprops.strategies.pools import FEATURES, HIDDEN, STEPS, Signatures, float32_arrays, powers_of_two, rng

SATURATION = 3  # x is scaled by 2**e, |e| <= SATURATION
LARGEST_SEED = 2**31 - 1
MODULE_LARGE_SEED, GRU_LARGE_SEED = 12345, 54321
ODD_SEEDS = (1_000_003, 2_147_483_629)

# (seed, H, T): module_edge_cases', then H = 2 and T = 5.
MODULE_SIGNATURES = Signatures(
    (None, HIDDEN, STEPS),
    small=((0, 3, 0), (1, 4, 1), (LARGEST_SEED, 1, 3), (3, 8, 2), (2, 2, 5)),
    odd=((ODD_SEEDS[0], 17, 9), (ODD_SEEDS[1], 9, 33)), large_static=(MODULE_LARGE_SEED,))
# (seed, H, D, T): gru_edge_cases', then H = 4 and T = 5; the odd ones share (H, D) (the oracle's
# gradient compiles per (H, D), not per T).
GRU_SIGNATURES = Signatures(
    (None, HIDDEN, FEATURES, STEPS),
    small=((0, 3, 2, 0), (1, 8, 5, 1), (LARGEST_SEED, 1, 1, 3), (3, 2, 3, 2), (2, 4, 3, 5)),
    odd=((ODD_SEEDS[0], 17, 9, 9), (ODD_SEEDS[1], 17, 9, 33)), large_static=(GRU_LARGE_SEED,))


def scaled_x(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
    return st.tuples(float32_arrays(shape), powers_of_two(-SATURATION, SATURATION)).map(
        lambda t: t[0] * np.float32(t[1]))


@st.composite
def module_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """lax_scan_in_module(seed, x (H,), hidden=H, T). `like` keeps seed, H and T (so a vmap
    batch shares its static arguments); `length` sets T."""
    if like is not None:
        seed, hidden, steps = like["seed"], like["hidden"], like["T"]
    else:
        seed, hidden, steps = draw(MODULE_SIGNATURES.draw())
    if length is not None:
        steps = length
    return Case.of(seed=seed, x=draw(scaled_x((hidden,))), hidden=hidden, T=steps)


@st.composite
def gru_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """scan_rnn_forward(seed, x (T, D), hidden=H). `like` keeps seed, H and x's shape;
    `length` sets T."""
    if like is not None:
        seed, hidden = like["seed"], like["hidden"]
        steps, features = like["x"].shape
    else:
        seed, hidden, features, steps = draw(GRU_SIGNATURES.draw())
    if length is not None:
        steps = length
    return Case.of(seed=seed, x=draw(scaled_x((steps, features))), hidden=hidden)


def _large_x(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Unit data at a few magnitudes per row: some steps near-linear, some saturating."""
    mags = 2.0 ** r.integers(-SATURATION, SATURATION + 1, shape[:1])
    return (r.uniform(-2, 2, shape) * mags.reshape((-1,) + (1,) * (len(shape) - 1))).astype(np.float32)


def module_large_case(salt: int, length: int | None = None) -> Case:
    """H and T at their large sizes (T = `length` when given), a fixed large seed."""
    hidden = HIDDEN.big()
    x = _large_x(rng(salt, "module"), (hidden,))
    return Case.of(seed=MODULE_LARGE_SEED, x=x, hidden=hidden, T=STEPS.big() if length is None else length)


def gru_large_case(salt: int, length: int | None = None) -> Case:
    """H, D and T at their large sizes (T = `length` when given), a fixed large seed."""
    steps = STEPS.big() if length is None else length
    x = _large_x(rng(salt, "gru"), (steps, FEATURES.big()))
    return Case.of(seed=GRU_LARGE_SEED, x=x, hidden=HIDDEN.big())


def _uniform(shape: tuple[int, ...], salt: int) -> np.ndarray:
    return np.random.default_rng(salt).uniform(-2, 2, shape).astype(np.float32)


# x of this size puts most pre-activations past tanh's and the sigmoid's knees (|x @ W| ~ 10),
# where a clamp or a cheaper approximation of the activation shows; the large input, whose
# state is carried over many steps, forgets its first saturated step.
SATURATING = 8.0


def module_edge_cases() -> tuple[Case, ...]:
    """T = 0 and T = 1, H = 1 (with the largest seed), all-zero x, a saturating x."""
    return (
        Case.of(seed=0, x=_uniform((3,), 1), hidden=3, T=0),  # only the initial tanh(x @ W)
        Case.of(seed=1, x=_uniform((4,), 2), hidden=4, T=1),
        Case.of(seed=LARGEST_SEED, x=_uniform((1,), 3), hidden=1, T=3),  # H = 1
        Case.of(seed=3, x=np.zeros(8, np.float32), hidden=8, T=2),  # zero x stays zero
        Case.of(seed=1, x=_uniform((4,), 7) * np.float32(SATURATING), hidden=4, T=1),
    )


def gru_edge_cases() -> tuple[Case, ...]:
    """T = 0 (the zero carry comes back), T = 1, H = D = 1 (with the largest seed), all-zero x,
    a saturating x."""
    return (
        Case.of(seed=0, x=np.zeros((0, 2), np.float32), hidden=3),  # T = 0
        Case.of(seed=1, x=_uniform((1, 5), 5), hidden=8),  # T = 1
        Case.of(seed=LARGEST_SEED, x=_uniform((3, 1), 6), hidden=1),  # H = 1, D = 1
        Case.of(seed=3, x=np.zeros((2, 3), np.float32), hidden=2),  # zero x, zero biases: zero carry
        Case.of(seed=3, x=_uniform((2, 3), 8) * np.float32(SATURATING), hidden=2),
    )
