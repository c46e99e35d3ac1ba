"""safe_divide with one jnp.where: right values, NaN gradient at y == 0.

jnp.where evaluates x / y everywhere; at y == 0 that is inf (or NaN), and its gradient, 0 times
inf, is NaN, which the where passes on.
"""
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("safe_divide", caught_by="grad", passes=("oracle", "jit", "vmap"),
          why="jnp.where(y != 0, x / y, 0): the unused branch's inf makes the gradient NaN")


def safe_divide(x, y):
    return jnp.where(y != 0, x / y, 0.0)
