"""The size pools every strategy draws from, the magnitudes values are drawn at, and the float
elements they use.

Sizes are long-tailed draws from fixed pools. Most draws are small (the edge sizes 0 and 1 and a
few others: cheap, and where off-by-one bugs show), some are odd sizes past them that are not
powers of two (9, 17, 33), and one in ten is the axis's large size. On top of the draws, every
property runs one explicit input at the large sizes of every axis at once (each row's `large`),
so a bug that starts past some size is met in every run, not only when the dice say so.

Every distinct signature (the shapes of the arguments, and the static arguments: the Flax rows'
seeds) costs compiles: one program per transformation under jit, and about 1 s for a GRU. Drawn
axis by axis, a row's sizes combine into a new signature almost every example (14 in 15 for the
three-axis rows), so the rows with several axes draw whole signatures from a short list instead
(`Signatures`): their edge cases' own signatures first (so drawn inputs share those programs),
a few more so that every small size of every axis is met, two odd ones and the large one. The
compiles of a property are then bounded by the length of that list times the transformations,
never one per example; values are still drawn freely in every example.

The large sizes depend on the Hypothesis profile: `thorough` goes further (see LARGE). They are
not powers of two either, so a loop cut at 64 or 256 steps is caught too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp


@dataclass(frozen=True)
class Axis:
    """One size axis: its small pool, its odd mid sizes, and its large size per profile."""

    small: tuple[int, ...]
    odd: tuple[int, ...]
    large: int  # default and ci profiles
    thorough: int  # the `thorough` profile

    def big(self) -> int:
        """This axis's large size in the current Hypothesis profile."""
        return self.thorough if _profile() == "thorough" else self.large

    def sizes(self) -> st.SearchStrategy[int]:
        """7 draws in 10 from `small`, 2 from `odd`, 1 the large size; shrinks to small[0]."""
        big = self.big()
        return st.integers(0, 9).flatmap(
            lambda k: st.sampled_from(self.small) if k < 7 else st.sampled_from(self.odd) if k < 9 else st.just(big))


def _profile() -> str:
    return settings.get_current_profile_name() if hasattr(settings, "get_current_profile_name") else "default"


@dataclass(frozen=True)
class Signatures:
    """A row's whole signatures: tuples with one entry per axis (its size) or per static argument
    (`None` in `axes`: a Flax seed). Drawn as the axes are (7 in 10 small, 2 odd, 1 large) and
    shrinking to `small[0]`; checked at import: every small size of every axis appears in
    `small` (which may hold the edge cases' sizes besides), and every odd entry is odd."""

    axes: tuple[Axis | None, ...]
    small: tuple[tuple, ...]
    odd: tuple[tuple, ...]
    large_static: tuple = ()  # the static entries of the large signature, in order

    def __post_init__(self):
        for i, axis in enumerate(self.axes):
            if axis is None:
                continue
            assert set(axis.small) <= {sig[i] for sig in self.small}, f"axis {i}: small sizes not all covered"
            assert all(sig[i] in axis.odd for sig in self.odd), f"axis {i}: an odd signature's size is not odd"
        assert sum(a is None for a in self.axes) == len(self.large_static)

    def large(self) -> tuple:
        """The large signature in the current Hypothesis profile."""
        static = iter(self.large_static)
        return tuple(next(static) if axis is None else axis.big() for axis in self.axes)

    def draw(self) -> st.SearchStrategy[tuple]:
        return st.integers(0, 9).flatmap(
            lambda k: st.sampled_from(self.small) if k < 7 else st.sampled_from(self.odd) if k < 9
            else st.just(self.large()))


# Large sizes: the floors (N, T, layers >= 64; B >= 32; H >= 64; D >= 16), past the
# powers of two a truncating bug would likely pick, and far larger under `thorough`.
STEPS = Axis(small=(0, 1, 2, 3, 5), odd=(9, 17, 33), large=80, thorough=300)  # N, T, num_layers, n_iter
WIDTHS = Axis(small=(1, 2, 3, 4), odd=(9, 17), large=40, thorough=96)  # B (batch size)
HIDDEN = Axis(small=(1, 2, 3, 4, 8), odd=(9, 17), large=72, thorough=160)  # H
FEATURES = Axis(small=(1, 2, 3, 5), odd=(9,), large=20, thorough=40)  # D

# `structure` traces (never compiles) the program at two lengths whose jaxprs must be the same
# size; the long one is past the odd sizes, so a loop unrolled only up to some count shows.
STRUCTURE_LENGTHS = (2, 37)


def unit_floats(bound: float = 2.0) -> st.SearchStrategy[float]:
    """float32 values in [-bound, bound], no subnormals (XLA on CPU flushes them to zero)."""
    return st.floats(-bound, bound, width=32, allow_subnormal=False)


def float32_arrays(shape: tuple[int, ...], bound: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    """float32 arrays of `shape`; shrinks towards all-zero."""
    return hnp.arrays(np.float32, shape, elements=unit_floats(bound))


def powers_of_two(lo: int, hi: int) -> st.SearchStrategy[float]:
    """2**e for an integer e in [lo, hi] (lo <= 0 <= hi): a magnitude to scale unit-sized data
    by. Multiplying by it is exact, so it moves data across decades without changing its digits.
    Shrinks towards 1."""
    return st.integers(lo, hi).map(lambda e: float(2.0**e))


def scalar32(value: float) -> np.ndarray:
    return np.asarray(value, dtype=np.float32)


def rng(salt: int, row: str) -> np.random.Generator:
    """The random source of a row's explicit large input: fixed per (row, salt), so runs repeat."""
    return np.random.default_rng([salt, *row.encode()])
