"""Python-loop oracles for seed 004's control-flow rows (fori_loop, while_loop, cond, switch).

Each takes an array module `xp` first (NumPy in float64 for values, jax.numpy under x64 for
gradients) and uses plain Python `for`/`while`/`if`; no lax control flow, no in-place updates.
The keyword arguments after `*` only describe known pitfalls (see the catalog rows).
"""
from __future__ import annotations

import math

import numpy as np

GELU_C = math.sqrt(2.0 / math.pi)


def newton_iteration(xp, f, f_prime, x0, n_iter=20, *, sign=-1.0, extra=0):
    x = x0
    for _ in range(n_iter + extra):
        x = x + sign * f(x) / f_prime(x)
    return x


def find_root(xp, f, f_prime, x0, tol=1e-6, max_iter=100, *, denominator=None, inverted=False, extra=0):
    """Newton from x0 until abs(f(x)) <= tol, at most max_iter steps. A NaN f(x) stops it, as
    the seed's `abs(f(x)) > tol` does (NaN compares false)."""
    denominator = denominator or f_prime
    x = x0
    for _ in range(max_iter + extra):
        going_on = abs(f(x)) > tol
        if going_on == inverted:
            break
        x = x - f(x) / denominator(x)
    return x


def newton_sqrt(xp, x, tol=1e-6):
    """Heron's method in float64 from max(x/2, 1), until the guess stops decreasing (from there
    on it is decreasing towards sqrt(x) and stops within an ulp). Returns (guess, steps); the
    catalog compares the guess only: the steps depend on the stopping rule (see the row)."""
    if x == 0:
        return xp.asarray(0.0 * x), 0
    guess, steps = max(x / 2.0, 1.0 + 0.0 * x), 0
    while True:
        new = (guess + x / guess) / 2.0
        steps += 1
        if steps > 1 and not new < guess:
            return guess, steps
        guess = new


def newton_sqrt_absolute_test(xp, x, tol=1e-6, *, max_iter=100):
    """Pitfall: the seed's absolute test |g*g - x| > tol, run in float32 like the learner's code
    (with a cap, so that the oracle itself ends where the seed's loop would not)."""
    x = np.float32(x)
    guess, count = np.float32(x / np.float32(2.0)), 0
    while abs(guess * guess - x) > np.float32(tol) and count < max_iter:
        guess, count = (guess + x / guess) / np.float32(2.0), count + 1
    return guess, count


def safe_divide(xp, x, y):
    """x / y, and 0 where y == 0; the inner where keeps the unused quotient finite, so the
    gradient is 0 there instead of NaN."""
    nonzero = y != 0
    return xp.where(nonzero, x / xp.where(nonzero, y, 1.0), 0.0 * x)


def activation(xp, x, choice, *, wrap=False, exact_gelu=False):
    """relu, gelu (tanh approximation, as jax.nn.gelu's default), tanh, swish; choices outside
    0-3 clamp to the nearest end, as lax.switch does."""
    k = int(choice) % 4 if wrap else min(max(int(choice), 0), 3)
    if k == 0:
        return xp.where(x > 0, x, 0.0 * x)  # derivative 0 at x = 0, as jax.nn.relu defines it
    if k == 1:
        if exact_gelu:
            return 0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))
        return 0.5 * x * (1.0 + xp.tanh(GELU_C * (x + 0.044715 * x**3)))
    if k == 2:
        return xp.tanh(x)
    # x * sigmoid(x) with sigmoid(x) = (1 + tanh(x/2)) / 2: the same function as x / (1 + exp(-x)),
    # whose exp overflows (and whose float64 gradient is inf/inf) far past the knee
    return x * 0.5 * (1.0 + xp.tanh(0.5 * x))
