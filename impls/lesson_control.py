"""Seed 004, the control-flow rows: fori_loop, while_loop, cond, switch.

As the seed writes them, except `newton_sqrt`, whose stopping test is buggy in the seed (see
its docstring and docs/contract.md).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

__all__ = ["newton_iteration", "find_root", "newton_sqrt", "safe_divide", "activation"]

SQRT_MAX_ITERS = 100  # newton_sqrt's iteration cap; a float32 input needs at most 67 steps


# --- "fori_loop / while_loop": Newton's method ------------------------------------------------
def newton_iteration(f, f_prime, x0, n_iter=20):
    def body(i, x):
        return x - f(x) / f_prime(x)

    return jax.lax.fori_loop(0, n_iter, body, x0)


def find_root(f, f_prime, x0, tol=1e-6, max_iter=100):
    def cond(state):
        x, i = state
        return (jnp.abs(f(x)) > tol) & (i < max_iter)

    def body(state):
        x, i = state
        return (x - f(x) / f_prime(x), i + 1)

    final_x, _ = jax.lax.while_loop(cond, body, (x0, 0))
    return final_x


# --- "while_loop for dynamic stopping conditions" ----------------------------------------------
def newton_sqrt(x, tol=1e-6):
    """Newton's method (Heron's) for sqrt(x), any finite float32 x >= 0 -> (guess, num_iters).

    The seed stops when |guess**2 - x| <= tol, an absolute test: in float32 it can never hold
    for large x (x = 2e6: neighbouring guesses square to values 2.4e-4 apart) and holds at once
    for small x (x = 1e-8: the first guess x/2 passes). Here:
    - stopping rule: stop after the step that moved the guess by at most tol * guess (relative,
      so it means the same at every magnitude, and it compares guesses near sqrt(x), which
      neither overflow nor underflow anywhere in float32's range, unlike guess**2 or tol * x).
      Newton converges quadratically, so the guess after such a step is accurate to float32
      rounding, about 1 ulp.
    - first guess: the seed's x / 2, but at least 1; below 1 a tiny x / 2 (subnormal, flushed to
      zero on CPU) would divide by zero.
    - iteration cap: SQRT_MAX_ITERS = 100. Across the float32 range the rule stops within 67
      steps (x = 3.4e38 and x = 1.2e-38 need the most: the guess halves from max(x/2, 1) until
      it nears sqrt(x)); the cap only guarantees termination for inf and NaN.
    - x = 0 returns (0, 0); inf returns inf and NaN returns NaN, after 0 steps.
    """
    x = jnp.asarray(x, jnp.float32)

    def cond_fn(state):
        guess, previous, count = state
        moving = jnp.abs(guess - previous) > tol * guess
        return (x > 0) & moving & (count < SQRT_MAX_ITERS)

    def body_fn(state):
        guess, _, count = state
        return (guess + x / guess) / 2.0, guess, count + 1

    init_state = (jnp.maximum(x / 2.0, 1.0), jnp.float32(jnp.inf), jnp.int32(0))
    final_guess, _, num_iters = jax.lax.while_loop(cond_fn, body_fn, init_state)
    return jnp.where(x == 0, 0.0, final_guess), num_iters


# --- "Conditional execution under JIT" ---------------------------------------------------------
def safe_divide(x, y):
    """The seed's lax.cond. Its gradient is finite at y == 0 also under vmap, where the cond
    becomes a select: the select picks the branches' gradients, so the unused branch's inf never
    meets a zero cotangent (measured with jax 0.10.2; a jnp.where(y != 0, x / y, 0) gives NaN)."""
    return jax.lax.cond(
        y != 0,
        lambda: x / y,  # true branch
        lambda: jnp.float32(0),  # false branch
    )


# --- "Multi-way switch" -----------------------------------------------------------------------
def activation(x, choice):
    return jax.lax.switch(
        choice,
        [
            lambda x: jax.nn.relu(x),  # choice=0
            lambda x: jax.nn.gelu(x),  # choice=1
            lambda x: jnp.tanh(x),  # choice=2
            lambda x: jax.nn.swish(x),  # choice=3
        ],
        x,
    )
