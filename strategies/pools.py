"""The size pools every strategy draws from, and the float elements they use."""
from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

STEPS = (0, 1, 2, 3, 5, 8)  # N (batches) and T (time steps): includes the empty loop
WIDTHS = (1, 2, 3, 4)  # B (batch size)
HIDDEN = (1, 2, 3, 4, 8)  # H
FEATURES = (1, 2, 3, 5)  # D
STRUCTURE_LENGTHS = (2, 7)  # two loop lengths whose jaxprs must be the same size


def unit_floats(bound: float = 2.0) -> st.SearchStrategy[float]:
    """float32 values in [-bound, bound], no subnormals (XLA on CPU flushes them to zero)."""
    return st.floats(-bound, bound, width=32, allow_subnormal=False)


def float32_arrays(shape: tuple[int, ...], bound: float = 2.0) -> st.SearchStrategy[np.ndarray]:
    """float32 arrays of `shape`; shrinks towards all-zero."""
    return hnp.arrays(np.float32, shape, elements=unit_floats(bound))


def scalar32(value: float) -> np.ndarray:
    return np.asarray(value, dtype=np.float32)
