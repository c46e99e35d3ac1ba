"""newton_sqrt exactly as the seed writes it: an absolute stopping test |g*g - x| > tol.

In float32 it never ends for large x (x = 2e6) and returns x/2 for small x (x = 1e-8).
`termination` sees the first; `oracle` sees the second where it gets to (see tests).
"""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("newton_sqrt", caught_by="termination", why="the seed's absolute test, with no iteration cap")


def newton_sqrt(x, tol=1e-6):
    """Newton's method for square root — unknown number of iterations."""
    def cond_fn(state):
        guess, _ = state
        return jnp.abs(guess * guess - x) > tol

    def body_fn(state):
        guess, count = state
        guess = (guess + x / guess) / 2.0
        return guess, count + 1

    init_state = (x / 2.0, 0)
    final_guess, num_iters = jax.lax.while_loop(cond_fn, body_fn, init_state)
    return final_guess, num_iters
