"""Catalog rows of seed 004's control flow: fori_loop and while_loop (Newton's method,
newton_sqrt), cond (safe_divide), switch (activation)."""
from __future__ import annotations

import numpy as np

from scanprops.cases import Case
from scanprops.oracles import lesson_control as oracles
from scanprops.problem import Out, Pitfall, Problem
from scanprops.strategies import lesson_control as cases
from scanprops.strategies.forms import with_call_forms
from scanprops.strategies.functions import newton_path
from scanprops.tolerance import Allowance

SQRT_ITERATION_CAP = 100  # newton_sqrt's contract; a correct rule needs at most about 70 steps


# --- allowances (see scanprops/tolerance.py) -----------------------------------------------------
def _newton_allowance(case: Case) -> Allowance:
    """What `newton_path` derives: the running error bound along the oracle's path, plus two
    more steps' rounding at its end (a stopping test float32 may decide either way there).
    Exact cycles get the same (their values are exact, so any allowance holds)."""
    tol = case["tol"] if "tol" in case.names else None
    count = case["max_iter"] if tol is not None else case["n_iter"]
    path = newton_path(case["f"], float(case["x0"]), count, tol)
    return Allowance(steps=path.steps + 2, width=path.width, scale=path.scale, running=path.drift + 2 * path.last)


def _sqrt_allowance(case: Case) -> Allowance:
    """Newton's method corrects its own errors, so only the last step's rounding remains: one
    step adding two terms (guess + x/guess) of size sqrt(x)."""
    return Allowance(steps=1, width=2, scale=float(np.sqrt(np.float64(case["x"]))))


def _divide_allowance(case: Case) -> Allowance:
    x, y = float(case["x"]), float(case["y"])
    return Allowance(steps=1, width=1, scale=abs(x / y) if y else 0.0)


# Rounding operations in each activation's float32 formula (jnp.tanh and exp count as the
# approximations they are; measured: tanh within 2.3 u, gelu 3.4 u, swish 2.3 u of max(|x|, 1)).
_ACTIVATION_OPS = {0: 1, 1: 8, 2: 2, 3: 3}


def _activation_allowance(case: Case) -> Allowance:
    choice = min(max(int(case["choice"]), 0), 3)
    x = np.asarray(case["x"], np.float64)
    return Allowance(steps=1, width=_ACTIVATION_OPS[choice], scale=np.maximum(np.abs(x), 1.0))


_NEWTON_NOTES = (
    "Newton's method is chaotic away from its roots, so value-comparing properties get "
    "comparable paths (strategies/functions.py, newton_path) and exact 2-cycles; no-root, flat "
    "and wandering starts go to `termination`. A start with f'(x0) == 0 exactly is never "
    "value-compared: the seed divides by zero there (IEEE: inf, then NaN), and a learner who "
    "guards that division is not wrong. No `grad`: the derivative of an iterated root finder "
    "with respect to its start is not part of the contract (and while_loop has no reverse mode)."
)

ROWS: tuple[Problem, ...] = (
    with_call_forms(Problem(
        name="newton_iteration",
        seed="004",
        signature="newton_iteration(f, f_prime, x0, n_iter=20)",
        oracle=oracles.newton_iteration,
        cases=cases.newton_cases,
        edge_cases=cases.newton_edge_cases(),
        large=cases.newton_large_case,
        out=lambda case: Out(()),
        allowance=_newton_allowance,
        static=("f", "f_prime", "n_iter"),
        loop_length="n_iter",
        pitfalls=(
            Pitfall("step in the wrong direction",
                    "The result matches x + f(x)/f'(x): Newton's step is x - f(x)/f'(x).",
                    lambda xp, f, fp, x0, n: oracles.newton_iteration(xp, f, fp, x0, n, sign=1.0)),
            Pitfall("one step too many",
                    "The result matches n_iter + 1 Newton steps: fori_loop(0, n_iter, ...) runs "
                    "the body for i = 0 .. n_iter - 1, exactly n_iter times.",
                    lambda xp, f, fp, x0, n: oracles.newton_iteration(xp, f, fp, x0, n, extra=1)),
            Pitfall("one step too few",
                    "The result matches n_iter - 1 Newton steps: fori_loop(0, n_iter, ...) runs "
                    "the body for i = 0 .. n_iter - 1, exactly n_iter times.",
                    lambda xp, f, fp, x0, n: oracles.newton_iteration(xp, f, fp, x0, n, extra=-1)),
        ),
        notes=_NEWTON_NOTES,
    )),
    with_call_forms(Problem(
        name="find_root",
        seed="004",
        signature="find_root(f, f_prime, x0, tol=1e-6, max_iter=100)",
        oracle=oracles.find_root,
        cases=cases.find_root_cases,
        edge_cases=cases.find_root_edge_cases(),
        large=cases.find_root_large_case,
        out=lambda case: Out(()),
        allowance=_newton_allowance,
        static=("f", "f_prime", "tol", "max_iter"),
        loop_length="max_iter",
        may_not_terminate=True,
        stress=cases.find_root_stress,
        stress_examples=cases.find_root_stress_examples(),
        pitfalls=(
            Pitfall("f in the denominator",
                    "The result matches x - f(x)/f(x): divide by the derivative, f_prime(x).",
                    lambda xp, f, fp, x0, tol, m: oracles.find_root(xp, f, fp, x0, tol, m, denominator=f)),
            Pitfall("stopping test inverted",
                    "The result matches a loop that goes on while abs(f(x)) <= tol: the while_loop's "
                    "condition says when to continue, abs(f(x)) > tol.",
                    lambda xp, f, fp, x0, tol, m: oracles.find_root(xp, f, fp, x0, tol, m, inverted=True)),
            Pitfall("one step past max_iter",
                    "The result matches max_iter + 1 steps: continue while i < max_iter, not <=.",
                    lambda xp, f, fp, x0, tol, m: oracles.find_root(xp, f, fp, x0, tol, m, extra=1)),
        ),
        notes=_NEWTON_NOTES + " On an exact 2-cycle only max_iter stops the loop, so the result "
        "tells exactly how many steps were taken.",
    )),
    with_call_forms(Problem(
        name="newton_sqrt",
        seed="004",
        signature="newton_sqrt(x, tol=1e-6)",
        oracle=oracles.newton_sqrt,
        cases=cases.sqrt_cases,
        edge_cases=cases.sqrt_edge_cases(),
        large=cases.sqrt_large_case,
        out=lambda case: (Out(()), Out((), "int32")),
        allowance=_sqrt_allowance,
        may_not_terminate=True,
        static=("tol",),
        count_cap=SQRT_ITERATION_CAP,
        oracle_leaves=(0,),
        pitfalls=(
            Pitfall("absolute stopping test",
                    "|guess**2 - x| <= tol is an absolute test: for small x the first guess x/2 "
                    "already passes it, and for large x float32 can never meet it (the loop never "
                    "ends). Stop on a relative test, e.g. when a step moves the guess by at most "
                    "tol * guess, and cap the iterations.",
                    oracles.newton_sqrt_absolute_test),
        ),
        notes=(
            "Contract: for every finite float32 x >= 0, guess is sqrt(x) to float32 rounding and "
            f"num_iters is an int32 in [0, {SQRT_ITERATION_CAP}]. The reference stops after a step "
            "that moved the guess by at most tol * guess, and caps the loop at 100 iterations (a "
            "float32 input needs at most 67). The oracle compares the guess only: how many steps a "
            "correct stopping rule takes is the implementation's choice; `termination` checks the "
            "cap. Subnormal x are not drawn: XLA on CPU flushes them to zero."
        ),
    )),
    Problem(
        name="safe_divide",
        seed="004",
        signature="safe_divide(x, y)",
        oracle=oracles.safe_divide,
        cases=cases.safe_divide_cases,
        edge_cases=cases.safe_divide_edge_cases(),
        large=cases.safe_divide_large_case,
        out=lambda case: Out(()),
        allowance=_divide_allowance,
        differentiable=("x", "y"),
        notes=(
            "The gradient must be finite at y == 0 (0, like the oracle's double where). The seed's "
            "lax.cond keeps it finite also under vmap, where the cond becomes a select (measured, "
            "jax 0.10.2), so `grad` on single inputs is what tells a NaN gradient."
        ),
    ),
    Problem(
        name="activation",
        seed="004",
        signature="activation(x, choice)",
        oracle=oracles.activation,
        cases=cases.activation_cases,
        edge_cases=cases.activation_edge_cases(),
        large=cases.activation_large_case,
        out=lambda case: Out(tuple(case["x"].shape)),
        allowance=_activation_allowance,
        differentiable=("x",),
        pitfalls=(
            Pitfall("exact gelu",
                    "The result matches the erf form of gelu: jax.nn.gelu's default is the tanh "
                    "approximation (approximate=True).",
                    lambda xp, x, c: oracles.activation(xp, x, c, exact_gelu=True)),
            Pitfall("out-of-range choice wraps around",
                    "choice outside 0-3 must clamp to the nearest end, as lax.switch does "
                    "(choice < 0 -> relu, choice > 3 -> swish), not wrap around.",
                    lambda xp, x, c: oracles.activation(xp, x, c, wrap=True)),
        ),
        notes=(
            "choice is an int32 array argument, not static: vmap maps it too (lax.switch then runs "
            "every branch and selects). relu'(0) = 0, as jax.nn.relu defines it."
        ),
    ),
)
