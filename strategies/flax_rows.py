"""Inputs for the Flax rows (seeds 002, 003): a seed, x, the hidden size H, and T.

Seeds and sizes come from small pools because every new shape costs compiles, in the code
under test (an eager GRU call compiles its scans every time, about 0.2 s, and each new (H, D)
adds about 0.5 s of per-op compiles, per device) and in the oracle's x64 gradient; under jit
every new seed does too. The GRU draws (H, D) as one of a few pairs from the pools (a large
pair one time in ten), so the edge cases and drawn cases share compiled shapes. Seeds come from
a pool holding the largest int32 seed, which `PRNGKey` must take without overflow, or (one time
in ten) from the whole non-negative int32 range. x is unit-sized data scaled by 2**e, |e| <= 3: at 2**-3 tanh and
the sigmoid gates are nearly linear, at 2**3 they saturate. Everything shrinks towards seed 0,
the smallest sizes, T = 0 and all-zero x.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from scanprops.cases import Case
from scanprops.strategies.pools import FEATURES, HIDDEN, STEPS, float32_arrays, powers_of_two, rng

SEEDS = (0, 1, 2, 3, 2**31 - 1)
GRU_SIZES = ((1, 1), (2, 3), (3, 2), (8, 5))  # (H, D), from the small pools
GRU_ODD = (17, 9)  # (H, D), from the odd sizes
assert all(h in HIDDEN.small and d in FEATURES.small for h, d in GRU_SIZES)
assert GRU_ODD[0] in HIDDEN.odd and GRU_ODD[1] in FEATURES.odd
SATURATION = 3  # x is scaled by 2**e, |e| <= SATURATION


def seeds() -> st.SearchStrategy[int]:
    """9 draws in 10 a pooled seed, 1 any non-negative int32; shrinks towards 0. (Under jit the
    seed is static: every new one recompiles the whole init and apply, about 1 s for a GRU.)"""
    return st.integers(0, 9).flatmap(lambda k: st.sampled_from(SEEDS) if k < 9 else st.integers(0, 2**31 - 1))


def gru_sizes() -> st.SearchStrategy[tuple[int, int]]:
    """(H, D): 8 in 10 a small pair, 1 the odd pair, 1 the large pair. (Each new pair costs a
    GRU compile per transform and per device.)"""
    big = (HIDDEN.big(), FEATURES.big())
    return st.integers(0, 9).map(lambda k: GRU_SIZES[k % 4] if k < 8 else GRU_ODD if k < 9 else big)


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
        seed = draw(seeds())
        hidden, steps = draw(HIDDEN.sizes()), draw(STEPS.sizes())
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
        seed, (hidden, features) = draw(seeds()), draw(gru_sizes())
        steps = draw(STEPS.sizes())
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
    return Case.of(seed=12345, x=x, hidden=hidden, T=STEPS.big() if length is None else length)


def gru_large_case(salt: int, length: int | None = None) -> Case:
    """H, D and T at their large sizes (T = `length` when given), a fixed large seed."""
    steps = STEPS.big() if length is None else length
    x = _large_x(rng(salt, "gru"), (steps, FEATURES.big()))
    return Case.of(seed=54321, x=x, hidden=HIDDEN.big())


def _uniform(shape: tuple[int, ...], salt: int) -> np.ndarray:
    return np.random.default_rng(salt).uniform(-2, 2, shape).astype(np.float32)


def module_edge_cases() -> tuple[Case, ...]:
    """T = 0 and T = 1, H = 1 (with the largest seed), all-zero x."""
    return (
        Case.of(seed=0, x=_uniform((3,), 1), hidden=3, T=0),  # only the initial tanh(x @ W)
        Case.of(seed=1, x=_uniform((4,), 2), hidden=4, T=1),
        Case.of(seed=2**31 - 1, x=_uniform((1,), 3), hidden=1, T=3),  # H = 1
        Case.of(seed=3, x=np.zeros(8, np.float32), hidden=8, T=2),  # zero x stays zero
    )


def gru_edge_cases() -> tuple[Case, ...]:
    """T = 0 (the zero carry comes back), T = 1, H = D = 1 (with the largest seed), all-zero x."""
    return (
        Case.of(seed=0, x=np.zeros((0, 2), np.float32), hidden=3),  # T = 0
        Case.of(seed=1, x=_uniform((1, 5), 5), hidden=8),  # T = 1
        Case.of(seed=2**31 - 1, x=_uniform((3, 1), 6), hidden=1),  # H = 1, D = 1
        Case.of(seed=3, x=np.zeros((2, 3), np.float32), hidden=2),  # zero x, zero biases: zero carry
    )
