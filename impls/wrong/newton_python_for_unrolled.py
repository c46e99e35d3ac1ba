"""newton_iteration: a Python `for` that unrolls n_iter copies of the step at trace time.

Right values (op by op and under jit); only `structure` sees that the program grows with n_iter.
"""
from impls.wrong import Bug

BUG = Bug("newton_iteration", caught_by="structure", passes=("oracle", "jit", "vmap"),
          why="Python for over range(n_iter) instead of lax.fori_loop")


def newton_iteration(f, f_prime, x0, n_iter=20):
    x = x0
    for _ in range(n_iter):
        x = x - f(x) / f_prime(x)
    return x
