"""Inputs for seed 004's control-flow rows: Newton's method (fori_loop, while_loop), newton_sqrt,
safe_divide, activation.

Newton's method is chaotic away from its roots: there a float32 run and the float64 oracle part
after a few steps, and so would jit and vmap runs of one implementation whose roundings differ
(XLA contracts `acc * x + c` into a fused multiply-add inside compiled loops, not op by op).
So the inputs that properties compare by value are of two kinds:
- comparable paths: a polynomial with well separated real roots and a start on which
  `newton_path` finds no amplified rounding error and no undecided stopping test;
- exact cycles: x**3 - 2x + 2 (shifted, scaled) from its 2-cycle, where every value is a small
  integer and float32 is exact: the result says exactly how many steps were taken.
Starts with no root, flat or near-flat derivatives and chaotic wandering go to `termination`
(`find_root_stress`), which checks that the loop stops, not where it ends.
"""
from __future__ import annotations

import numpy as np
from hypothesis import assume
from hypothesis import strategies as st

from scanprops.cases import Case
from strategies.functions import NO_ROOT, Poly, float32_near, newton_path, oscillator, polys_with_roots, real_roots
from strategies.pools import float32_arrays, scalar32

NEWTON_STEPS = (0, 1, 2, 3, 5, 20)  # n_iter: unconverged counts, where an off-by-one shows
MAX_ITERS = (0, 1, 2, 3, 5, 100)  # find_root's max_iter; 100 is the default
TOLERANCES = (1e-6, 1e-3)  # find_root's tol: the default (below float32's noise floor) and a
#                            coarse one, where stopping early or late changes the result


# --- Newton's method ----------------------------------------------------------------------------
@st.composite
def _start(draw, f: Poly, roots: tuple[float, ...], count: int, tol: float | None) -> float:
    """A float32 start near one of the roots whose path a float32 run can be compared with."""
    x0 = draw(st.sampled_from(roots).flatmap(lambda r: float32_near(r, 0.75)))
    assume(newton_path(f, x0, count, tol).comparable)
    return x0


@st.composite
def _problem(draw, like: Case | None) -> tuple[Poly, tuple[float, ...] | None]:
    """(f, roots) from `like`, else drawn: mostly polynomials with roots, sometimes an exact
    cycle (roots None: the start is the cycle's)."""
    if like is not None:
        f = like["f"]
        if _is_cycle(f):
            return f, None
        return f, real_roots(f)
    if draw(st.integers(0, 4)) == 0:
        return oscillator(draw(st.integers(-2, 2)), draw(st.sampled_from((1.0, 0.5, 2.0, -1.0)))), None
    return draw(polys_with_roots())


def _is_cycle(f: Poly) -> bool:
    return f.degree == 3 and any(oscillator(s, f.coeffs[-1]) == f for s in range(-2, 3))


def _cycle_start(draw, f: Poly) -> float:
    shift = -f.coeffs[2] / (3 * f.coeffs[3])  # coefficient of x**2 is -3 * shift * scale
    return float(shift + draw(st.sampled_from((0.0, 1.0))))


@st.composite
def newton_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """newton_iteration(f, f_prime, x0, n_iter): n_iter from NEWTON_STEPS (or `length`)."""
    f, roots = draw(_problem(like))
    n_iter = length if length is not None else like["n_iter"] if like is not None else draw(st.sampled_from(NEWTON_STEPS))
    x0 = _cycle_start(draw, f) if roots is None else draw(_start(f, roots, n_iter, None))
    return Case.of(f=f, f_prime=f.derivative(), x0=scalar32(x0), n_iter=n_iter)


@st.composite
def find_root_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """find_root(f, f_prime, x0, tol, max_iter): tol from TOLERANCES, max_iter from MAX_ITERS
    (or `length`)."""
    f, roots = draw(_problem(like))
    tol = like["tol"] if like is not None else draw(st.sampled_from(TOLERANCES))
    max_iter = length if length is not None else like["max_iter"] if like is not None else draw(st.sampled_from(MAX_ITERS))
    x0 = _cycle_start(draw, f) if roots is None else draw(_start(f, roots, max_iter, tol))
    return Case.of(f=f, f_prime=f.derivative(), x0=scalar32(x0), tol=tol, max_iter=max_iter)


def _newton_case(f: Poly, x0: float, **rest) -> Case:
    return Case.of(f=f, f_prime=f.derivative(), x0=scalar32(x0), **rest)


def newton_edge_cases() -> tuple[Case, ...]:
    """n_iter = 0 (x0 back), one step, the 2-cycle for an odd and an even count, the default 20."""
    f = Poly((-2.0, 0.0, 1.0))  # x**2 - 2
    return (
        _newton_case(f, 1.0, n_iter=0),
        _newton_case(f, 1.0, n_iter=1),
        _newton_case(oscillator(), 0.0, n_iter=5),
        _newton_case(oscillator(), 0.0, n_iter=20),
        _newton_case(f, 1.5, n_iter=20),
    )


def find_root_edge_cases() -> tuple[Case, ...]:
    """max_iter = 0, a start already at tolerance, a few unconverged steps, the default
    arguments, and the 2-cycle, which only max_iter stops (after an odd and an even count)."""
    f = Poly((-2.0, 0.0, 1.0))  # x**2 - 2
    return (
        _newton_case(f, 1.0, tol=1e-6, max_iter=0),
        _newton_case(Poly((-1.0, 1.0)), 1.0, tol=1e-6, max_iter=100),  # x - 1 from its root
        _newton_case(f, 1.0, tol=1e-3, max_iter=2),
        _newton_case(f, 1.0, tol=1e-6, max_iter=100),
        _newton_case(oscillator(), 0.0, tol=1e-6, max_iter=7),
        _newton_case(oscillator(), 0.0, tol=1e-6, max_iter=100),
    )


@st.composite
def find_root_stress(draw) -> Case:
    """Inputs on which Newton's method need not converge: no real root, flat and near-flat
    starts, the 2-cycle, and arbitrary starts on arbitrary polynomials (chaotic wandering)."""
    kind = draw(st.sampled_from(("no root", "flat", "cycle", "anywhere")))
    if kind == "no root":
        f, x0 = NO_ROOT, draw(float32_near(0.0, 4.0))
    elif kind == "flat":  # at, or within a few ulps of, a critical point of x**3 - 3x + c
        f = Poly((draw(st.sampled_from((1.0, 3.0, -0.5))), -3.0, 0.0, 1.0))
        x0 = float(np.float32(draw(st.sampled_from((1.0, -1.0))) + draw(st.sampled_from((0.0, 0.0, 1e-7, -4e-7)))))
    elif kind == "cycle":
        f = oscillator(draw(st.integers(-2, 2)))
        x0 = _cycle_start(draw, f)
    else:
        f, _ = draw(polys_with_roots())
        x0 = draw(float32_near(0.0, 3.0))
    tol = draw(st.sampled_from(TOLERANCES))
    max_iter = draw(st.sampled_from((1, 7, 100)))
    return _newton_case(f, x0, tol=tol, max_iter=max_iter)


def find_root_stress_examples() -> tuple[Case, ...]:
    """Always run by `termination`: no root (from a flat start and from 0.5), the 2-cycle."""
    return (
        _newton_case(NO_ROOT, 0.0, tol=1e-6, max_iter=100),
        _newton_case(NO_ROOT, 0.5, tol=1e-6, max_iter=100),
        _newton_case(oscillator(), 0.0, tol=1e-6, max_iter=100),
    )


# --- newton_sqrt --------------------------------------------------------------------------------
@st.composite
def sqrt_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """x = m * 2**e, m in [1, 2) and e over float32's whole normal range (the ends drawn
    often: float32 sqrt breaks there), or x = 0. Shrinks towards x = 1."""
    if draw(st.integers(0, 9)) == 0:
        return Case.of(x=scalar32(0.0))
    mantissa = draw(st.floats(1.0, 2.0, exclude_max=True, width=32))
    exponent = draw(st.one_of(st.integers(-126, 127), st.sampled_from((-126, -125, -100, 100, 126, 127))))
    return Case.of(x=scalar32(np.ldexp(np.float32(mantissa), exponent)))


def sqrt_edge_cases() -> tuple[Case, ...]:
    """0, a perfect square, the seed's 5, 1e-8 and 2e6 (the seed's two defects), 1e-36 (where
    tol * x and g*g - x are subnormal, flushed to zero), and float32's smallest normal and
    largest finite values."""
    values = (0.0, 4.0, 5.0, 1e-8, 2e6, 1e-36, float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max))
    return tuple(Case.of(x=scalar32(v)) for v in values)


# --- safe_divide --------------------------------------------------------------------------------
def _signed(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, width=32).flatmap(lambda v: st.sampled_from((v, -v)))


@st.composite
def safe_divide_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """y = 0 often, else |y| in [2**-8, 2]; x = 0 or |x| in [2**-20, 2]. Both keep x / y and the
    gradients x / y**2 (times a cotangent) well inside float32's normal range: a subnormal result
    would be flushed to zero on CPU."""
    x = draw(st.one_of(st.just(0.0), _signed(2.0**-20, 2.0)))
    y = draw(st.one_of(st.just(0.0), _signed(2.0**-8, 2.0)))
    return Case.of(x=scalar32(x), y=scalar32(y))


def safe_divide_edge_cases() -> tuple[Case, ...]:
    """y == 0 with x nonzero, with x == 0 (0/0), with y == -0.0; and an ordinary quotient."""
    return (
        Case.of(x=scalar32(1.5), y=scalar32(0.0)),
        Case.of(x=scalar32(0.0), y=scalar32(0.0)),
        Case.of(x=scalar32(-2.0), y=scalar32(-0.0)),
        Case.of(x=scalar32(1.0), y=scalar32(4.0)),
    )


# --- activation ---------------------------------------------------------------------------------
ACTIVATION_SHAPES = ((), (3,), (2, 4))
CHOICES = (-2, -1, 0, 1, 2, 3, 4, 7)  # 0-3, and out-of-range choices that clamp


@st.composite
def activation_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """x of a pooled shape with values in [-6, 6] (where the four functions differ), and an
    int32 choice, in range or not."""
    shape = like["x"].shape if like is not None else draw(st.sampled_from(ACTIVATION_SHAPES))
    x = draw(float32_arrays(shape, bound=6.0))
    return Case.of(x=x, choice=np.asarray(draw(st.sampled_from(CHOICES)), np.int32))


def activation_edge_cases() -> tuple[Case, ...]:
    """Each function on the same x (0 included), relu and swish through out-of-range choices
    (each case costs compiles: lax.switch called op by op compiles its branches every call)."""
    x = np.array([[-3.0, -0.5, 0.0, 0.75], [2.5, -6.0, 1e-3, 6.0]], np.float32)
    return tuple(Case.of(x=x, choice=np.asarray(c, np.int32)) for c in (-1, 1, 2, 4))
