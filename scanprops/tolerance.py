"""Every tolerance the harness uses, in one place, with the reasoning.

The code under test computes in float32; the oracles compute in float64, which is exact
by comparison. A float32 operation rounds with relative error at most u = 2**-24 (half of
float32's eps). A loop of `steps` iterations, each of which adds up `width` terms of
magnitude at most `scale`, makes n = steps * width roundings; provided errors are not
amplified from one step to the next, it ends within

- n * u * scale of the exact result in the worst case (every rounding as large as it can be
  and all of one sign: the classical deterministic bound), and
- LAMBDA * sqrt(n) * u * scale with overwhelming probability (Higham and Mary, "A new
  approach to probabilistic rounding error analysis", SIAM J. Sci. Comput. 41(5), 2019:
  rounding errors that are independent with mean zero add up like a random walk; the bound
  fails with probability at most about 2n exp(-LAMBDA**2 / 2), below 1e-50 here).

We allow the smaller of SAFETY times the first and the second. At the small sizes the linear
bound is the tighter one; past n = (LAMBDA / SAFETY)**2 = 4 roundings it is the probabilistic
one, which keeps the tolerance tight at large sizes: for a (80, 40) SGD run, 3,300 roundings,
it is 26x tighter than the linear bound. LAMBDA is twice the 8 that already puts the failure
probability out of reach, because rounding errors are not quite independent: on constant data
(a running sum of one repeated value) they share a sign, and the error grows linearly, at
about a third of the worst case (measured: 0.33 n u). The sqrt bound covers that up to
n = (LAMBDA / 0.33)**2, about 2,300 roundings of one sum; the largest single sum the strategies
make (a running sum in `thorough`) has 300. The strategies keep every loop non-expanding
(learning rates below the stability bound, tanh/sigmoid/relu bodies with bounded weights), so
rounding is never amplified; rows whose loops may amplify (the Flax rows) weight each step by
the trajectory's own Jacobians, and Newton's method carries a running error bound along the
oracle's path instead (`Allowance.running`, see strategies/functions.py `newton_path`), as do
the RNN, whose tanh damps an error by its slope 1 - h**2 (near 0 when saturated), and the EMA,
which forgets an early error by (1 - alpha) a step (scanprops/catalog/lesson_scan.py).

Nothing here depends on which implementation is under test, and nothing is tuned to let a
particular implementation pass: a plausible bug (an off-by-one step, a post-update loss, a
hard-coded learning rate, a loop cut short) changes results by a fraction of their size, far
above this.

- values:      |actual - oracle| <= u * scale * min(SAFETY * n, LAMBDA * sqrt(n))   (elementwise)
- gradients:   the same with GRAD_FACTOR more: reverse mode replays each step's
               operations and multiplies by per-step Jacobians of magnitude <= 1 here.
               A gradient entry is a sum of products along the loop, whose terms may
               cancel (under the fixed mixed-sign cotangent terms of size 1 sum to 4e-5;
               inside an SGD step the factor 1 - 2 lr sum(x^2) may be 4e-9), so its scale
               is the largest of: the floor (the value's largest operand, the gradient's
               largest entry), the magnitude of what the oracle's reverse pass subtracts at
               that entry (scanprops/expect.py `grad_magnitudes`), and what perturbed runs
               of the oracle's gradient program show rounding does there
               (scanprops/perturbed.py). See `grad_allowance`.
- transforms:  jit, vmap and another device each give another float32 result within the
               value allowance of the exact one, so two results may differ by twice it.
               (XLA may reorder a sum under jit, so bitwise equality would be wrong.)
- devices:     the forced CPU devices run the same executable: results must be bitwise equal.
- underflow:   every operation may also lose up to TINY (float32's smallest normal number) to
               flush-to-zero, so each bound carries SAFETY * n * TINY more (deterministic: a
               flush always rounds towards zero, so these errors do share a sign).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

U32 = float(np.finfo(np.float32).eps) / 2  # unit roundoff of float32: 5.96e-8
SAFETY = 8.0
LAMBDA = 16.0  # the probabilistic bound's multiple of sqrt(n) u (see above)
GRAD_FACTOR = 8.0
TRANSFORM_FACTOR = 2.0
TINY = float(np.finfo(np.float32).tiny)  # below float32's normal range nothing is meaningful


def growth(n: int) -> float:
    """How many u * scale n roundings may add up to: min(SAFETY n, LAMBDA sqrt(n))."""
    n = max(n, 1)
    return min(SAFETY * n, LAMBDA * float(np.sqrt(n)))


@dataclass(frozen=True)
class Allowance:
    """How much rounding error a float32 computation of one output may carry."""

    steps: int  # sequential loop iterations (plus one for the set-up work)
    width: int  # terms in the widest sum inside one step
    scale: float | np.ndarray  # magnitude of the operands those sums add up (per output element)
    # A running error bound computed along the oracle's trajectory (absolute, per output
    # element or one for all), used instead of the formula where the row derives one.
    running: float | np.ndarray | None = None
    scale_name: str = "scale"  # what `scale` measures, as the failure message names it


    @property
    def roundings(self) -> int:
        return max(self.steps, 1) * max(self.width, 1)

    @property
    def growth(self) -> float:
        """How many u * scale the rounding may add up to: min(SAFETY n, LAMBDA sqrt(n))."""
        return growth(self.roundings)

    def atol(self, factor: float = 1.0) -> np.ndarray:
        # XLA on CPU flushes results below float32's smallest normal number to zero, an absolute
        # error of up to TINY per operation that no relative bound covers.
        flush = SAFETY * self.roundings * TINY
        if self.running is not None:
            return factor * (np.asarray(self.running, dtype=np.float64) + flush)
        scale = np.asarray(self.scale, dtype=np.float64)
        return factor * (self.growth * U32 * scale + flush)

    def describe(self, factor: float = 1.0, where: tuple[int, ...] = ()) -> str:
        atol = np.asarray(self.atol(factor))
        atol = np.broadcast_to(atol, np.broadcast_shapes(atol.shape, np.shape(self.scale)))
        at = where if len(where) == atol.ndim else ()
        allowed = float(atol[at] if at else atol.max())
        if self.running is not None:
            return f"{factor:g} x running error bound along the oracle's path = {allowed:.3g}"
        scale = np.broadcast_to(np.asarray(self.scale, dtype=np.float64), atol.shape)
        n = self.roundings
        rule = f"{SAFETY:g} x n" if SAFETY * n <= LAMBDA * np.sqrt(n) else f"{LAMBDA:g} x sqrt(n)"
        return (
            f"{factor:g} x {rule} x u x {self.scale_name}({float(scale[at] if at else scale.max()):.3g}), "
            f"n = steps({self.steps}) x width({self.width}) = {allowed:.3g}"
        )


def grad_allowance(value: Allowance, expected: np.ndarray, magnitudes: np.ndarray | None = None,
                spread: np.ndarray | None = None) -> Allowance:
    """The allowance of one gradient leaf (to be used with GRAD_FACTOR): the roundings of the
    value's allowance, scaled entry by entry by the largest of
    - the floor: the value's largest operand and the gradient's largest entry;
    - the magnitude of what the oracle's reverse pass subtracts there (`magnitudes`,
      scanprops/expect.py `grad_magnitudes`);
    - the scale at which the value's n roundings, adding up like a random walk, make the spread
      that perturbed runs of the oracle's gradient show (`spread`, scanprops/perturbed.py):
      spread / (sqrt(n) u), so the allowance is at least GRAD_FACTOR min(SAFETY sqrt(n), LAMBDA)
      times that spread.
    Each is asked for only where the ones before fail: a larger scale can only allow more."""
    floor = max(float(np.max(np.abs(np.asarray(value.scale, np.float64)), initial=0.0)),
                float(np.max(np.abs(np.asarray(expected, np.float64)), initial=0.0)))
    if magnitudes is None:
        return Allowance(value.steps, value.width, floor)
    scale = np.maximum(floor, np.asarray(magnitudes, np.float64))
    if spread is not None:
        scale = np.maximum(scale, np.asarray(spread, np.float64) / (U32 * np.sqrt(value.roundings)))
    return Allowance(value.steps, value.width, scale, scale_name="magnitude")


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
