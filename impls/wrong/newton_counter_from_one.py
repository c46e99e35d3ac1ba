"""newton_iteration: the loop counts from 1, so it takes n_iter - 1 steps."""
import jax

from impls.wrong import Bug

BUG = Bug("newton_iteration", caught_by="oracle", pitfall="one step too few",
          why="fori_loop(1, n_iter, ...) runs the body n_iter - 1 times")


def newton_iteration(f, f_prime, x0, n_iter=20):
    def body(i, x):
        return x - f(x) / f_prime(x)

    return jax.lax.fori_loop(1, n_iter, body, x0)
