"""safe_divide that returns 0 where |y| < 1e-10: a tiny divisor is treated as zero."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("safe_divide", caught_by="oracle",
          why="lax.cond(abs(y) > 1e-10, ...): a tiny nonzero divisor gives 0, not x / y")


def safe_divide(x, y):
    return jax.lax.cond(jnp.abs(y) > 1e-10, lambda: x / y, lambda: jnp.float32(0))
