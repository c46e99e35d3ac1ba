"""Every tolerance the harness uses, in one place, with the reasoning.

The code under test computes in float32; the oracles compute in float64, which is exact
by comparison. A float32 operation rounds with relative error at most u = 2**-24 (half of
float32's eps). A loop of `steps` iterations, each of which adds up `width` terms of
magnitude at most `scale`, therefore ends within about ``steps * width * u * scale`` of the
exact result, provided errors are not amplified from one step to the next. The strategies
keep every loop non-expanding (learning rates below the stability bound, tanh/sigmoid/relu
bodies with bounded weights), so that bound is what we allow, times SAFETY for the constant
factors a hand analysis drops (a multiply and an add per term, the gradient's own rounding).

Nothing here depends on which implementation is under test, and nothing is tuned to let a
particular implementation pass: a plausible bug (an off-by-one step, a post-update loss, a
hard-coded learning rate) changes results by a fraction of their size, far above this.

- values:      |actual - oracle| <= SAFETY * u * steps * width * scale        (elementwise)
- gradients:   the same with GRAD_FACTOR more: reverse mode replays each step's
               operations and multiplies by per-step Jacobians of magnitude <= 1 here.
- transforms:  jit, vmap and another device each give another float32 result within the
               value budget of the exact one, so two results may differ by twice it.
               (XLA may reorder a sum under jit, so bitwise equality would be wrong.)
- devices:     the forced CPU devices run the same executable: results must be bitwise equal.
- underflow:   every operation may also lose up to TINY (float32's smallest normal number) to
               flush-to-zero, so each bound carries steps * width * TINY more.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

U32 = float(np.finfo(np.float32).eps) / 2  # unit roundoff of float32: 5.96e-8
SAFETY = 8.0
GRAD_FACTOR = 8.0
TRANSFORM_FACTOR = 2.0
TINY = float(np.finfo(np.float32).tiny)  # below float32's normal range nothing is meaningful


@dataclass(frozen=True)
class Budget:
    """How much rounding error a float32 computation of one output may carry."""

    steps: int  # sequential loop iterations (plus one for the set-up work)
    width: int  # terms in the widest sum inside one step
    scale: float | np.ndarray  # magnitude of the operands those sums add up (per output element)

    def atol(self, factor: float = 1.0) -> np.ndarray:
        scale = np.asarray(self.scale, dtype=np.float64)
        # XLA on CPU flushes results below float32's smallest normal number to zero, an absolute
        # error of up to TINY per operation that no relative bound covers.
        return SAFETY * factor * max(self.steps, 1) * max(self.width, 1) * (U32 * scale + TINY)

    def describe(self, factor: float = 1.0, where: tuple[int, ...] = ()) -> str:
        atol = np.broadcast_to(self.atol(factor), np.shape(self.scale) or ())
        scale = np.broadcast_to(np.asarray(self.scale, dtype=np.float64), atol.shape)
        at = where if len(where) == atol.ndim else ()
        return (
            f"{SAFETY * factor:g} x u x steps({self.steps}) x width({self.width}) x "
            f"scale({float(scale[at] if at else scale.max()):.3g}) = {float(atol[at] if at else atol.max()):.3g}"
        )


def within(actual: np.ndarray, expected: np.ndarray, atol: float | np.ndarray) -> bool:
    """True when every element is within atol (NaN only matches NaN, inf only the same inf)."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        return False
    same_nonfinite = (np.isnan(actual) & np.isnan(expected)) | (
        np.isinf(actual) & (actual == expected)
    )
    with np.errstate(invalid="ignore"):
        close = np.abs(actual - expected) <= atol
    return bool(np.all(close | same_nonfinite))


def errors(actual: np.ndarray, expected: np.ndarray) -> tuple[float, float, tuple[int, ...]]:
    """Max abs error, max rel error, and where the largest abs error is."""
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.abs(actual - expected)
        diff = np.where(np.isnan(diff), np.inf, diff)
        rel = np.where(expected != 0, diff / np.abs(expected), np.where(diff == 0, 0.0, np.inf))
    if diff.size == 0:
        return 0.0, 0.0, ()
    where = np.unravel_index(int(np.argmax(diff)), diff.shape)
    return float(diff.max()), float(rel.max()), tuple(int(i) for i in where)
