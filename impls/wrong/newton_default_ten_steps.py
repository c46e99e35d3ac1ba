"""newton_iteration whose default n_iter is 10, not the contract's 20: right whenever n_iter is
passed, wrong for `newton_iteration(f, f_prime, x0)` wherever the steps after the tenth still
move x."""
from jax import lax

from impls.wrong import Bug

BUG = Bug("newton_iteration", caught_by="oracle",
          pitfall="the function's own default for n_iter is not the contract's",
          passes=("shape", "jit", "vmap", "structure"), why="def newton_iteration(f, f_prime, x0, n_iter=10)")


def newton_iteration(f, f_prime, x0, n_iter=10):
    return lax.fori_loop(0, n_iter, lambda i, x: x - f(x) / f_prime(x), x0)
