"""momentum_descent with the velocity as an exponential average of the gradients."""
import jax
import jax.numpy as jnp

BUG = {"function": "momentum_descent", "caught_by": "oracle", "pitfall": "velocity as an average",
       "passes": ("shape",), "why": "v = beta * v + (1 - beta) * g instead of beta * v + g"}


def momentum_descent(w, targets, lr=0.1, beta=0.9):
    def step(carry, target):
        w, v = carry
        v = beta * v + (1 - beta) * (w - target)
        w = w - lr * v
        return (w, v), jnp.stack([w, v])

    _, rows = jax.lax.scan(step, (w, jnp.zeros_like(w)), targets)
    return rows.reshape(targets.shape[0], 2)
