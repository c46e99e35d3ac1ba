"""find_root: `i <= max_iter` lets the loop take max_iter + 1 steps."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("find_root", caught_by="oracle", pitfall="one step past max_iter",
          why="continues while i <= max_iter instead of i < max_iter")


def find_root(f, f_prime, x0, tol=1e-6, max_iter=100):
    def cond(state):
        x, i = state
        return (jnp.abs(f(x)) > tol) & (i <= max_iter)

    def body(state):
        x, i = state
        return (x - f(x) / f_prime(x), i + 1)

    final_x, _ = jax.lax.while_loop(cond, body, (x0, 0))
    return final_x
