"""find_root that starts from jnp.clip(x0, -100, 100) ("to keep Newton stable")."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("find_root", caught_by="oracle",
          why="x0 clipped to [-100, 100]: a start farther out takes another path")


def find_root(f, f_prime, x0, tol=1e-6, max_iter=100):
    def cond(state):
        x, i = state
        return (jnp.abs(f(x)) > tol) & (i < max_iter)

    def body(state):
        x, i = state
        return (x - f(x) / f_prime(x), i + 1)

    final_x, _ = jax.lax.while_loop(cond, body, (jnp.clip(x0, -100.0, 100.0), 0))
    return final_x
