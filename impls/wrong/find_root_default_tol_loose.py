"""find_root whose default tol is 1e-4, not the contract's 1e-6: `find_root(f, f_prime, x0)`
stops early wherever the steps between the two tolerances move x."""
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("find_root", caught_by="oracle", pitfall="the function's own default for tol",
          passes=("shape", "jit", "vmap", "structure", "termination"),
          why="def find_root(f, f_prime, x0, tol=1e-4, max_iter=100)")


def find_root(f, f_prime, x0, tol=1e-4, max_iter=100):
    def cond(state):
        x, i = state
        return (jnp.abs(f(x)) > tol) & (i < max_iter)

    def body(state):
        x, i = state
        return x - f(x) / f_prime(x), i + 1

    return lax.while_loop(cond, body, (x0, 0))[0]
