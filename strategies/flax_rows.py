"""Inputs for the Flax rows (seeds 002, 003): a seed, x, the hidden size H, and T.

Seeds and sizes come from small pools because every new shape costs compiles, in the code
under test (an eager GRU call compiles its scans every time, about 0.2 s, and each new (H, D)
adds about 0.5 s of per-op compiles, per device) and in the oracle's x64 gradient; under jit
every new seed does too. The GRU draws (H, D) as one of a few pairs from the pools, so the
edge cases and drawn cases share compiled shapes. The seed pool holds the largest int32
seed, which `PRNGKey` must take without overflow. x is float32 in [-2, 2], where tanh and the
sigmoid gates are neither linear nor saturated. Everything shrinks towards seed 0, the
smallest sizes, T = 0 and all-zero x.
"""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from scanprops.cases import Case
from strategies.pools import FEATURES, HIDDEN, STEPS, float32_arrays

SEEDS = (0, 1, 2, 3, 2**31 - 1)
GRU_SIZES = ((1, 1), (2, 3), (3, 2), (8, 5))  # (H, D), from HIDDEN x FEATURES
assert all(h in HIDDEN and d in FEATURES for h, d in GRU_SIZES)


@st.composite
def module_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """lax_scan_in_module(seed, x (H,), hidden=H, T). `like` keeps seed, H and T (so a vmap
    batch shares its static arguments); `length` sets T."""
    if like is not None:
        seed, hidden, steps = like["seed"], like["hidden"], like["T"]
    else:
        seed = draw(st.sampled_from(SEEDS))
        hidden, steps = draw(st.sampled_from(HIDDEN)), draw(st.sampled_from(STEPS))
    if length is not None:
        steps = length
    return Case.of(seed=seed, x=draw(float32_arrays((hidden,))), hidden=hidden, T=steps)


@st.composite
def gru_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """scan_rnn_forward(seed, x (T, D), hidden=H). `like` keeps seed, H and x's shape;
    `length` sets T."""
    if like is not None:
        seed, hidden = like["seed"], like["hidden"]
        steps, features = like["x"].shape
    else:
        seed, (hidden, features) = draw(st.sampled_from(SEEDS)), draw(st.sampled_from(GRU_SIZES))
        steps = draw(st.sampled_from(STEPS))
    if length is not None:
        steps = length
    return Case.of(seed=seed, x=draw(float32_arrays((steps, features))), hidden=hidden)


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
