"""find_root that carries f(x) in the loop state, so f is evaluated once per step."""
import jax.numpy as jnp
from jax import lax


def find_root(f, f_prime, x0, tol=1e-6, max_iter=100):
    def cond(state):
        _, fx, i = state
        return (jnp.abs(fx) > tol) & (i < max_iter)

    def body(state):
        x, fx, i = state
        x = x - fx / f_prime(x)
        return x, f(x), i + 1

    x, _, _ = lax.while_loop(cond, body, (x0, f(x0), 0))
    return x
