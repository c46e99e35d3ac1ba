"""newton_sqrt: the seed's absolute test, with an iteration cap added.

It always ends now (after 100 steps for large x, with a good guess), but for small x the first
guess x/2 already passes |g*g - x| <= tol: newton_sqrt(1e-8) returns 5e-9.
"""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("newton_sqrt", caught_by="oracle", pitfall="absolute stopping test", passes=("termination",),
          why="absolute test |g*g - x| <= tol: wrong for small x, only the cap ends it for large x")


def newton_sqrt(x, tol=1e-6):
    def cond_fn(state):
        guess, count = state
        return (jnp.abs(guess * guess - x) > tol) & (count < 100)

    def body_fn(state):
        guess, count = state
        return (guess + x / guess) / 2.0, count + 1

    return jax.lax.while_loop(cond_fn, body_fn, (x / 2.0, 0))
