"""newton_sqrt: the natural repair, a relative test |g*g - x| > tol * x, with no iteration cap.

Fine in the middle of float32's range; at its bottom it breaks. Below about 1e-32, tol * x and
g*g - x are subnormal and flushed to zero, so the loop stops on a guess that is off by 1e-4
(x = 1e-36: `oracle`); and for x below 2.4e-38 the first guess x/2 is flushed to zero, the guess
becomes inf and the loop never ends (`termination`).
"""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("newton_sqrt", caught_by="oracle",
          why="relative residual test: flushed to zero for tiny x (and no cap: never ends below 2.4e-38)")


def newton_sqrt(x, tol=1e-6):
    def cond_fn(state):
        guess, _ = state
        return jnp.abs(guess * guess - x) > tol * x

    def body_fn(state):
        guess, count = state
        return (guess + x / guess) / 2.0, count + 1

    return jax.lax.while_loop(cond_fn, body_fn, (x / 2.0, 0))
