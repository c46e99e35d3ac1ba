"""newton_iteration: the step goes the wrong way, x + f(x)/f'(x)."""
import jax

from impls.wrong import Bug

BUG = Bug("newton_iteration", caught_by="oracle", pitfall="step in the wrong direction",
          why="x + f(x)/f'(x) instead of x - f(x)/f'(x)")


def newton_iteration(f, f_prime, x0, n_iter=20):
    def body(i, x):
        return x + f(x) / f_prime(x)

    return jax.lax.fori_loop(0, n_iter, body, x0)
