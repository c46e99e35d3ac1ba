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

from scanprops.cases import KEYWORD, OMITTED, POSITIONAL, Case
from scanprops.strategies.functions import (
    NO_ROOT,
    Poly,
    float32_near,
    from_roots,
    newton_path,
    oscillator,
    polys_with_roots,
    power,
    real_roots,
)
from scanprops.strategies.pools import HIDDEN, STEPS, Axis, float32_arrays, powers_of_two, rng, scalar32

# n_iter: unconverged counts, where an off-by-one shows, the default 20, and long loops
NEWTON_STEPS = Axis(small=(0, 1, 2, 3, 5, 20), odd=STEPS.odd, large=STEPS.large, thorough=STEPS.thorough)
# find_root's max_iter: 100 is the default; the large size stops a loop that ran past its cap
MAX_ITERS = Axis(small=(0, 1, 2, 3, 5, 100), odd=STEPS.odd, large=STEPS.large, thorough=STEPS.thorough)
# find_root's tol: the default (below float32's noise floor), a coarse one where stopping early or
# late changes the result, and any power of ten from 1e-9 to 1e-1
TOLERANCES = (1e-6, 1e-3)
FAR = 12  # starts reach 2**FAR away from a root (Newton converges from there, outside the roots)


# --- Newton's method ----------------------------------------------------------------------------
@st.composite
def _start(draw, f: Poly, roots: tuple[float, ...], count: int, tol: float | None) -> float:
    """A float32 start near one of the roots whose path a float32 run can be compared with."""
    radius = 0.75 * 2.0 ** round(np.log2((max(abs(r) for r in roots) + 1.0) / 3))  # as the roots' scale
    near = st.sampled_from(roots).flatmap(lambda r: float32_near(r, radius))
    far = st.tuples(st.sampled_from((min(roots), max(roots))), st.integers(1, FAR), st.floats(1.0, 2.0)).map(
        lambda t: float(np.float32(t[0] + (1 if t[0] == max(roots) else -1) * t[2] * 2.0 ** t[1])))
    x0 = draw(st.one_of(near, far))
    assume(newton_path(f, x0, count, tol).comparable)
    return x0


@st.composite
def _problem(draw, like: Case | None) -> tuple[Poly, tuple[float, ...] | None]:
    """(f, roots) from `like`, else drawn: mostly polynomials with separated roots, sometimes
    an exact cycle (roots None: the start is the cycle's), sometimes a power with a multiple
    root at 0, on which Newton's method takes many steps."""
    if like is not None:
        f = like["f"]
        if _is_cycle(f):
            return f, None
        return f, real_roots(f)
    kind = draw(st.integers(0, 5))
    if kind == 4:
        return oscillator(draw(st.integers(-2, 2)), draw(st.sampled_from((1.0, 0.5, 2.0, -1.0)))), None
    if kind == 5:
        f = power(draw(st.sampled_from((2, 3))), draw(st.sampled_from((1.0, -0.5, 2.0))))
        return f, real_roots(f)
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
    n_iter = length if length is not None else like["n_iter"] if like is not None else draw(NEWTON_STEPS.sizes())
    x0 = _cycle_start(draw, f) if roots is None else draw(_start(f, roots, n_iter, None))
    return Case.of(f=f, f_prime=f.derivative(), x0=scalar32(x0), n_iter=n_iter)


@st.composite
def find_root_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """find_root(f, f_prime, x0, tol, max_iter): tol from TOLERANCES, max_iter from MAX_ITERS
    (or `length`)."""
    f, roots = draw(_problem(like))
    tol = like["tol"] if like is not None else draw(tolerances())
    max_iter = length if length is not None else like["max_iter"] if like is not None else draw(MAX_ITERS.sizes())
    x0 = _cycle_start(draw, f) if roots is None else draw(_start(f, roots, max_iter, tol))
    return Case.of(f=f, f_prime=f.derivative(), x0=scalar32(x0), tol=tol, max_iter=max_iter)


def tolerances() -> st.SearchStrategy[float]:
    return st.one_of(st.sampled_from(TOLERANCES), st.integers(-9, -1).map(lambda k: float(10.0**k)))


def newton_case(f: Poly, x0: float, **rest) -> Case:
    return Case.of(f=f, f_prime=f.derivative(), x0=scalar32(x0), **rest)


LARGE_F = from_roots((-1.5, 0.25, 1.75), 0.5)  # three well separated roots
SLOW_F = power(3, 0.5)  # Newton shrinks x by 2/3 a step: after 80 steps from 2**20 it is still 1e-8
SLOW_START = float(np.float32(1.37 * 2.0**6))  # newton_iteration's all-defaults call starts here on SLOW_F
TOL_START = float(np.float32(1637.6))  # find_root's: its path passes just above the default tol (see below)


def _large_newton(salt: int, count: int, tol: float | None) -> Case:
    """Many steps that all count: x**3 / 2 from about 2**20 (each step shows in the result),
    where float32 can follow that many; else LARGE_F from a start thousands of units away."""
    rest = dict(n_iter=count) if tol is None else dict(tol=tol, max_iter=count)
    slow = float(np.float32(1.37 * 2.0 ** (20 - salt % 4)))
    if newton_path(SLOW_F, slow, count, tol).comparable:
        return newton_case(SLOW_F, slow, **rest)
    return newton_case(LARGE_F, float(np.float32(1.75 + 1.37 * 2.0 ** (10 + salt % 4))), **rest)


def newton_large_case(salt: int, length: int | None = None) -> Case:
    """n_iter at the large size (or `length`), every step counting (see _large_newton)."""
    return _large_newton(salt, NEWTON_STEPS.big() if length is None else length, None)


UNREACHED_TOL = 1e-30  # x**3 / 2 from about 2**20 does not meet it in 80 steps: max_iter stops the loop


def find_root_large_case(salt: int, length: int | None = None) -> Case:
    """max_iter at the large size (or `length`), a far start and a tolerance float32 can
    represent but the path does not meet: every step up to max_iter counts (where float32 can
    follow that many steps; else a tight tolerance, see _large_newton)."""
    count = MAX_ITERS.big() if length is None else length
    if newton_path(SLOW_F, float(np.float32(1.37 * 2.0**20)), MAX_ITERS.big(), UNREACHED_TOL).comparable:
        return _large_newton(salt, count, UNREACHED_TOL)
    return _large_newton(salt, count, 1e-5)


def newton_edge_cases() -> tuple[Case, ...]:
    """n_iter = 0 (x0 back), one step, the 2-cycle for an odd and an even count, and the
    all-defaults call (n_iter omitted: 20 steps) on x**3 / 2, where every step shows (a default
    other than 20 gives another result); two pass n_iter by keyword."""
    f = Poly((-2.0, 0.0, 1.0))  # x**2 - 2
    return (
        newton_case(f, 1.0, n_iter=0).called(),
        newton_case(f, 1.0, n_iter=1).called(n_iter=KEYWORD),
        newton_case(oscillator(), 0.0, n_iter=5).called(),
        newton_case(oscillator(), 0.0, n_iter=20).called(n_iter=KEYWORD),
        # newton_iteration(f, f_prime, x0): every one of the 20 default steps shows in the result
        newton_case(SLOW_F, SLOW_START, n_iter=20).called(n_iter=OMITTED),
    )


def find_root_edge_cases() -> tuple[Case, ...]:
    """max_iter = 0, a start already at tolerance, a few unconverged steps, the all-defaults
    call (tol and max_iter omitted) where the stopping step depends on tol, and the 2-cycle,
    which only max_iter stops (after an odd and an even count: one with max_iter omitted);
    each argument positionally, by keyword and omitted."""
    f = Poly((-2.0, 0.0, 1.0))  # x**2 - 2
    return (
        newton_case(f, 1.0, tol=1e-6, max_iter=0).called(),
        newton_case(Poly((-1.0, 1.0)), 1.0, tol=1e-6, max_iter=100).called(  # x - 1 from its root
            tol=KEYWORD, max_iter=KEYWORD),
        newton_case(f, 1.0, tol=1e-3, max_iter=2).called(max_iter=KEYWORD),
        # find_root(f, f_prime, x0): on x**3 / 2 (each step shrinks x by 2/3, f by 8/27) from
        # TOL_START, f is 1.051e-6 after 29 steps, 5 % above the default tol: every default from
        # 1.06e-6 up stops a step early, every one below 3.1e-7 a step late
        newton_case(SLOW_F, TOL_START, tol=1e-6, max_iter=100).called(tol=OMITTED, max_iter=OMITTED),
        newton_case(oscillator(), 0.0, tol=1e-6, max_iter=7).called(tol=OMITTED, max_iter=KEYWORD),
        newton_case(oscillator(), 0.0, tol=1e-6, max_iter=100).called(tol=KEYWORD, max_iter=OMITTED),
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
    return newton_case(f, x0, tol=tol, max_iter=max_iter)


def find_root_stress_examples() -> tuple[Case, ...]:
    """Always run by `termination`: no root (from a flat start, with the default tol and
    max_iter omitted, and from 0.5), the 2-cycle."""
    return (
        newton_case(NO_ROOT, 0.0, tol=1e-6, max_iter=100).called(tol=OMITTED, max_iter=OMITTED),
        newton_case(NO_ROOT, 0.5, tol=1e-6, max_iter=100).called(tol=KEYWORD, max_iter=KEYWORD),
        newton_case(oscillator(), 0.0, tol=1e-6, max_iter=100).called(),
    )


# --- newton_sqrt --------------------------------------------------------------------------------
SQRT_TOL = 1e-6  # the contract's default: the only tol at which it asks for float32 accuracy


@st.composite
def sqrt_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """x = m * 2**e, m in [1, 2) and e over float32's whole normal range (the ends drawn
    often: float32 sqrt breaks there), or x = 0. Shrinks towards x = 1. tol is the contract's
    default, 1e-6 (the contract asks for float32 accuracy at it), passed positionally, by
    keyword or omitted (strategies/forms.py)."""
    if draw(st.integers(0, 9)) == 0:
        return Case.of(x=scalar32(0.0), tol=SQRT_TOL)
    mantissa = draw(st.floats(1.0, 2.0, exclude_max=True, width=32))
    exponent = draw(st.one_of(st.integers(-126, 127), st.sampled_from((-126, -125, -100, 100, 126, 127))))
    return Case.of(x=scalar32(np.ldexp(np.float32(mantissa), exponent)), tol=SQRT_TOL)


def sqrt_large_case(salt: int, length: int | None = None) -> Case:
    """A large x with a mantissa far from 1 (the top of the range is among the edge cases)."""
    return Case.of(x=scalar32(np.ldexp(np.float32(1.37 + 0.11 * salt), 90 + salt)), tol=SQRT_TOL)


def sqrt_edge_cases() -> tuple[Case, ...]:
    """0, a perfect square, the seed's 5, 1e-8 and 2e6 (the seed's two defects), 1e-36 (where
    tol * x and g*g - x are subnormal, flushed to zero), and float32's smallest normal and
    largest finite values. tol is passed by keyword or omitted in four of them."""
    values = (0.0, 4.0, 5.0, 1e-8, 2e6, 1e-36, float(np.finfo(np.float32).tiny), float(np.finfo(np.float32).max))
    forms = {4.0: KEYWORD, 5.0: OMITTED, 1e-8: KEYWORD, 2e6: OMITTED}  # newton_sqrt(5.0): the seed's call
    return tuple(Case.of(x=scalar32(v), tol=SQRT_TOL).called(tol=forms.get(v, POSITIONAL)) for v in values)


# --- safe_divide --------------------------------------------------------------------------------
DIVISOR_EXP = 60  # |y| = m * 2**e, |e| <= DIVISOR_EXP, m in [1, 2)
QUOTIENT_EXP = 50  # |x / y| within 2**±QUOTIENT_EXP


def _signed(mantissa: float, exponent: int, negative: bool) -> float:
    return float(np.float32((-1.0 if negative else 1.0) * mantissa * 2.0**exponent))


@st.composite
def safe_divide_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """y = 0 (or -0.0) often, else |y| = m * 2**e from 2**-60 (tiny but nonzero: not zero!) to
    2**61; x = 0, or |x / y| within 2**±50. That range is what float32 can honour: the quotient
    and both gradients, 1/y and x/y**2 (times a cotangent), stay inside its normal range (a
    subnormal result would be flushed to zero on CPU, an infinite one is no gradient)."""
    ey = draw(st.integers(-DIVISOR_EXP, DIVISOR_EXP))
    y = draw(st.one_of(st.sampled_from((0.0, -0.0)),
                       st.builds(_signed, st.floats(1.0, 2.0, exclude_max=True), st.just(ey), st.booleans())))
    ex = draw(st.integers(-QUOTIENT_EXP, QUOTIENT_EXP)) + (ey if y != 0.0 else 0)
    x = draw(st.one_of(st.just(0.0), st.builds(_signed, st.floats(1.0, 2.0, exclude_max=True), st.just(ex),
                                                 st.booleans())))
    return Case.of(x=scalar32(x), y=scalar32(y))


def safe_divide_large_case(salt: int, length: int | None = None) -> Case:
    """A tiny divisor (2**-50) and a large quotient (2**20)."""
    return Case.of(x=scalar32(_signed(1.1 + 0.1 * salt, -30, salt % 2 == 1)), y=scalar32(_signed(1.3, -50, False)))


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
KNEE = (-4, 9)  # x is [-6, 6] (where the four differ) times 2**e, e in this range: up to 3072


def _choices() -> st.SearchStrategy[int]:
    """A pooled choice, or any int32: out-of-range choices clamp (lax.switch)."""
    return st.one_of(st.sampled_from(CHOICES), st.integers(-(2**31), 2**31 - 1))


@st.composite
def activation_cases(draw, length: int | None = None, like: Case | None = None) -> Case:
    """x of a pooled shape (one time in ten a large one) with values in [-6, 6] times a power of
    two up to 2**9: near 0, around each knee and far into saturation (|x| up to 3072; past a
    few thousand gelu's x**3 term makes float32's own jax.nn.gelu gradient meaningless). An
    int32 choice over its whole range."""
    if like is not None:
        shape = like["x"].shape
    else:
        shape = draw(st.integers(0, 9).map(lambda k: ACTIVATION_SHAPES[k % 3] if k < 9 else (2, HIDDEN.big())))
    x = draw(float32_arrays(shape, bound=6.0)) * np.float32(draw(powers_of_two(*KNEE)))
    return Case.of(x=x, choice=np.asarray(draw(_choices()), np.int32))


def activation_large_case(salt: int, length: int | None = None) -> Case:
    """A large x whose elements span -3072 to 3072, every decade, and a choice per salt."""
    r = rng(salt, "activation")
    x = (r.uniform(-6, 6, (2, HIDDEN.big()))
         * 2.0 ** r.integers(KNEE[0], KNEE[1] + 1, (2, HIDDEN.big()))).astype(np.float32)
    return Case.of(x=x, choice=np.asarray((1, 3, 2, 0)[salt % 4], np.int32))


def activation_edge_cases() -> tuple[Case, ...]:
    """Each function on the same x (0 included), relu and swish through out-of-range choices
    (each case costs compiles: lax.switch called op by op compiles its branches every call)."""
    x = np.array([[-3.0, -0.5, 0.0, 0.75], [2.5, -6.0, 1e-3, 6.0]], np.float32)
    return tuple(Case.of(x=x, choice=np.asarray(c, np.int32)) for c in (-1, 1, 2, 4))
