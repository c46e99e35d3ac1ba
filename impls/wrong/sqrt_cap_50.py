"""newton_sqrt with a relative stopping rule but an iteration cap of 50 ("Newton converges
in a handful of steps"): from max(x/2, 1) the guess only halves at first, and for x past about
1e27 (or below about 1e-28) 50 halvings do not reach sqrt(x)."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("newton_sqrt", caught_by="oracle",
          why="count < 50: x = 3.4e38 (or 1e-36) needs about 67 steps from max(x/2, 1), so the guess is far off")

MAX_ITER = 50


def newton_sqrt(x, tol=1e-6):
    x = jnp.asarray(x, jnp.float32)

    def cond_fn(state):
        guess, previous, count = state
        return (x > 0) & (jnp.abs(guess - previous) > tol * guess) & (count < MAX_ITER)

    def body_fn(state):
        guess, _, count = state
        return (guess + x / guess) / 2.0, guess, count + 1

    guess, _, count = jax.lax.while_loop(cond_fn, body_fn,
                                         (jnp.maximum(x / 2.0, 1.0), jnp.float32(jnp.inf), jnp.int32(0)))
    return jnp.where(x == 0, 0.0, guess), count
