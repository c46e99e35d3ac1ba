"""power_iteration that normalises before the product: the result is A v, not a unit vector."""
import jax
import jax.numpy as jnp

BUG = {"function": "power_iteration", "caught_by": "oracle", "pitfall": "last step not normalised",
       "passes": ("shape",), "why": "v = A (v / |v|): the last product is never divided by its norm"}


def power_iteration(A, v0, n_iter=20):
    def body(_, v):
        return A @ (v / jnp.sqrt(jnp.sum(v * v)))

    return jax.lax.fori_loop(0, n_iter, body, v0)
