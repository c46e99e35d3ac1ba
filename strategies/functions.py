"""Functions as inputs: polynomials with exact derivatives, and what Newton's method does on them.

`newton_iteration` and `find_root` take callables. The harness passes `Poly` objects: frozen and
hashable (so `jax.jit` can treat them as static arguments), picklable (so a call can run in
another process), and evaluated with Horner's rule in the array module of their argument (jnp
inside the implementation, NumPy float64 in the oracle). Coefficients are small dyadic
rationals, so they and their derivatives' coefficients are exact in float32.

`newton_path` follows Newton's method in float64 and says whether a float32 run of it can be
compared with that path at all (see its docstring): Newton's method is chaotic away from its
roots, and float32 and float64 trajectories part after a few steps there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from scanprops.tolerance import SAFETY, U32


def _array_module(x: Any):
    """jax.numpy for JAX arrays and tracers, NumPy for everything else."""
    if isinstance(x, (np.ndarray, np.generic, float, int)):
        return np
    import jax.numpy as jnp

    return jnp


@dataclass(frozen=True)
class Poly:
    """c0 + c1*x + ... + cn*x**n, lowest degree first."""

    coeffs: tuple[float, ...]

    def __call__(self, x):
        xp = _array_module(x)
        acc = xp.full_like(x, self.coeffs[-1])  # in x's dtype: float32 in JAX, float64 in the oracle
        for c in reversed(self.coeffs[:-1]):
            acc = acc * x + c
        return acc

    def derivative(self) -> "Poly":
        if len(self.coeffs) == 1:
            return Poly((0.0,))
        return Poly(tuple(float(k * c) for k, c in enumerate(self.coeffs) if k > 0))

    @property
    def degree(self) -> int:
        return len(self.coeffs) - 1

    def magnitude(self, x: float) -> float:
        """sum |c_k x**k|: what Horner's rounding errors are proportional to."""
        return float(sum(abs(c) * abs(x) ** k for k, c in enumerate(self.coeffs)))

    def __repr__(self) -> str:
        terms = []
        for k, c in reversed(list(enumerate(self.coeffs))):
            if c == 0:
                continue
            mag = f"{abs(c):g}"
            power = "" if k == 0 else "x" if k == 1 else f"x**{k}"
            body = power if k and abs(c) == 1 else f"{mag}*{power}" if k else mag
            terms.append(("- " if c < 0 else "+ ") + body)
        text = " ".join(terms) or "0"
        return "Poly(" + (text[2:] if text.startswith("+ ") else "-" + text[2:]) + ")"


def from_roots(roots: tuple[float, ...], lead: float = 1.0, shift: float = 0.0) -> Poly:
    """lead * prod(x - r) + shift (shift moves the roots off the dyadic grid)."""
    coeffs = [lead]
    for r in roots:  # multiply by (x - r), highest degree first
        coeffs = [a - r * b for a, b in zip(coeffs + [0.0], [0.0] + coeffs)]
    coeffs[-1] += shift
    return Poly(tuple(float(c) for c in reversed(coeffs)))


def oscillator(shift: int = 0, scale: float = 1.0) -> Poly:
    """scale * g(x - shift), g = x**3 - 2x + 2: Newton from `shift` cycles shift -> shift + 1 ->
    shift forever, exactly in any precision (integers and halves only)."""
    s = float(shift)
    return Poly(tuple(scale * c for c in (-s**3 + 2 * s + 2, 3 * s**2 - 2, -3 * s, 1.0)))


NO_ROOT = Poly((1.0, 0.0, 1.0))


def power(degree: int, lead: float = 1.0) -> Poly:
    """lead * x**degree: a multiple root at 0, where Newton's method converges only linearly
    (x shrinks by (degree - 1) / degree a step), so every one of many steps shows in the result.
    (At 0 float32 locates the multiple root exactly: there is no cancellation.)"""
    return Poly((0.0,) * degree + (lead,))  # x**2 + 1: Newton wanders chaotically, never converges


# --- how a float32 run of Newton's method relates to the float64 path -----------------------
@dataclass(frozen=True)
class NewtonPath:
    steps: int  # Newton steps taken
    width: int  # rounding terms per step: Horner's 2 per degree
    scale: float  # largest operand magnitude one step's rounding acts on (see below)
    comparable: bool  # a float32 run ends within `drift` (plus two steps' rounding) of this path's end
    drift: float = 0.0  # running bound on |float32 x - this path's x| at the end (see below)
    last: float = 0.0  # the rounding one more step at the end would add: unit * step scale there


FLOAT32_FLOOR = 2.0**-100  # below this float32 is near its subnormal range (flushed on CPU)


def newton_path(f: Poly, x0: float, max_steps: int, tol: float | None = None) -> NewtonPath:
    """Newton's method on f from x0 in float64: exactly `max_steps` steps, or (with `tol`) until
    abs(f(x)) <= tol, as find_root does.

    One float32 step x - f(x)/f'(x) errs by about u * 2n * scale, where scale is
    sum|c_k x^k| / |f'| + |f| sum|k c_k x^(k-1)| / f'^2 + |f/f'| + |x_new| (Horner's error bound
    for f and f' carried through the quotient, plus the two final roundings). A step maps an
    error e in x to N'(x) e, N'(x) = f(x) f''(x) / f'(x)^2. The path is `comparable` when every
    step has |N'| <= 1 (no error is ever amplified, so the float32 run stays within the
    propagated sum of the per-step errors of this path), and, with `tol`, when every stopping
    test is decided the same way in float32: |f(x)| is further from tol than float32 can
    misjudge it, or tol is below float32's noise floor for f there, where stopping or going on
    both leave x within rounding of the root (two more steps' rounding, `last`, covers that).

    `drift` is that propagated sum, a running error bound along the path: each step's rounding
    is added and every earlier error is multiplied by the step's |N'|. Near a root N' -> 0, so
    Newton forgets the rounding of a far start, and the bound shrinks to the last steps' own.
    """
    fp = f.derivative()
    fpp = fp.derivative()
    width = 2 * max(f.degree, 1)
    unit = SAFETY * U32 * width
    x = float(x0)
    scale = abs(x)
    drift = unit * abs(x)  # x0 itself is a float32 value: exact, but count its size once
    steps = 0

    def step_scale(x: float, fx: float, dfx: float) -> float:
        q = fx / dfx
        return f.magnitude(x) / abs(dfx) + abs(fx) * fp.magnitude(x) / dfx**2 + abs(q) + abs(x - q)

    while True:
        fx, dfx = float(f(np.float64(x))), float(fp(np.float64(x)))
        if tol is not None:
            noise = unit * f.magnitude(x) + abs(dfx) * drift
            if abs(abs(fx) - tol) <= noise < tol:
                return NewtonPath(steps, width, scale, False, drift)  # the stopping test is undecided
            if not abs(fx) > tol:
                break
        if steps == max_steps:
            break
        if dfx == 0.0 or not math.isfinite(fx / dfx):
            return NewtonPath(steps, width, scale, False, drift)  # flat
        if 0.0 < min(abs(x), f.magnitude(x), abs(dfx)) < FLOAT32_FLOOR:
            return NewtonPath(steps, width, scale, False, drift)  # float32 would flush it to zero
        gain = abs(fx * float(fpp(np.float64(x)))) / dfx**2
        if gain > 1.0:
            return NewtonPath(steps, width, scale, False, drift)  # expanding
        this = step_scale(x, fx, dfx)
        scale = max(scale, this)
        drift = gain * drift + unit * this
        x = x - fx / dfx
        steps += 1
    fx, dfx = float(f(np.float64(x))), float(fp(np.float64(x)))
    last = unit * (step_scale(x, fx, dfx) if dfx != 0.0 and math.isfinite(fx / dfx) else abs(x))
    return NewtonPath(steps, width, scale, math.isfinite(x), drift, last)


# --- strategies -------------------------------------------------------------------------------
def _quarters(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.integers(int(lo * 4), int(hi * 4)).map(lambda k: k / 4)


ROOT_SPREAD = 4  # roots are scaled by 2**e, |e| <= ROOT_SPREAD


@st.composite
def polys_with_roots(draw) -> tuple[Poly, tuple[float, ...]]:
    """A polynomial of degree 1-3 and its real roots: lead * prod(x - r) + shift with r
    multiples of 1/4 in [-2, 2] times one power of two in [2**-4, 2**4] (roots from 1/64 to 32
    in size; the coefficients stay exact in float32), kept only when all its roots are real and
    at least a quarter of that power apart (near a double root float32 cannot locate the root)."""
    degree = draw(st.sampled_from((1, 2, 3)))
    grid = draw(st.lists(_quarters(-2, 2), min_size=degree, max_size=degree, unique=True))
    lead = draw(st.sampled_from((1.0, -1.0, 0.5, 2.0)))
    shift = draw(st.sampled_from((0.0, 0.125, -0.25, 0.046875)))
    zoom = draw(st.integers(-ROOT_SPREAD, ROOT_SPREAD).map(lambda e: 2.0**e))
    f = from_roots(tuple(sorted(r * zoom for r in grid)), lead, shift * zoom**degree)
    roots = real_roots(f)
    assume(len(roots) == degree and all(b - a >= 0.25 * zoom for a, b in zip(roots, roots[1:])))
    return f, roots


def real_roots(f: Poly) -> tuple[float, ...]:
    return tuple(sorted(float(r.real) for r in np.roots(list(reversed(f.coeffs))) if abs(r.imag) < 1e-9))


def float32_near(center: float, radius: float) -> st.SearchStrategy[float]:
    """A float32 value in [center - radius, center + radius], as a Python float."""
    return st.floats(-radius, radius, width=32, allow_subnormal=False).map(
        lambda d: float(np.float32(center + d)))
