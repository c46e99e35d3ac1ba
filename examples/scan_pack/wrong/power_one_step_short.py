"""power_iteration whose fori_loop starts at 1: n_iter - 1 steps."""
import jax
import jax.numpy as jnp

BUG = {"function": "power_iteration", "caught_by": "oracle", "pitfall": "one step too few", "passes": ("shape",),
       "why": "fori_loop(1, n_iter, ...) runs the body n_iter - 1 times"}


def power_iteration(A, v0, n_iter=20):
    def body(_, v):
        v = A @ v
        return v / jnp.sqrt(jnp.sum(v * v))

    return jax.lax.fori_loop(1, n_iter, body, v0) if n_iter > 0 else v0
