"""find_root: no max_iter check, so the loop never ends where Newton does not converge
(x**2 + 1 has no real root; x**3 - 2x + 2 cycles 0 -> 1 -> 0 from 0)."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("find_root", caught_by="termination", why="the while_loop's condition ignores max_iter")


def find_root(f, f_prime, x0, tol=1e-6, max_iter=100):
    def cond(state):
        x, i = state
        return jnp.abs(f(x)) > tol

    def body(state):
        x, i = state
        return (x - f(x) / f_prime(x), i + 1)

    final_x, _ = jax.lax.while_loop(cond, body, (x0, 0))
    return final_x
