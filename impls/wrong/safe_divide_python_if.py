"""safe_divide with a Python `if` on the value of y: works op by op and under grad, fails under
jit (a traced y has no truth value)."""
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("safe_divide", caught_by="jit", passes=("oracle", "devices"),
          why="Python if on a traced value instead of lax.cond / jnp.where")


def safe_divide(x, y):
    if y != 0:
        return x / y
    return jnp.zeros_like(x)
