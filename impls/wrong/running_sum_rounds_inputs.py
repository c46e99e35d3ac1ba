"""running_sum that rounds every value to 4 decimals first (to "clean up float noise")."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("running_sum", caught_by="oracle",
          why="jnp.round(xs, 4): exact for values like 1.5, wrong for values below 1e-4 or with more digits")


def running_sum(xs):
    xs = jnp.round(xs, 4)

    def step(total, x):
        total = total + x
        return total, total

    _, sums = jax.lax.scan(step, jnp.zeros((), xs.dtype), xs)
    return sums
