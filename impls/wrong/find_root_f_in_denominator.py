"""find_root: divides by f(x) instead of f'(x), so every step just subtracts 1."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("find_root", caught_by="oracle", pitfall="f in the denominator",
          why="x - f(x)/f(x) instead of x - f(x)/f_prime(x)")


def find_root(f, f_prime, x0, tol=1e-6, max_iter=100):
    def cond(state):
        x, i = state
        return (jnp.abs(f(x)) > tol) & (i < max_iter)

    def body(state):
        x, i = state
        return (x - f(x) / f(x), i + 1)

    final_x, _ = jax.lax.while_loop(cond, body, (x0, 0))
    return final_x
