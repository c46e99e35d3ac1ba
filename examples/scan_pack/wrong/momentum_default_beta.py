"""momentum_descent with its own default for beta (0.99, not the contract's 0.9)."""
import jax
import jax.numpy as jnp

BUG = {"function": "momentum_descent", "caught_by": "oracle", "pitfall": "own default for beta",
       "passes": ("shape",), "why": "beta=0.99 by default: a call that leaves beta out gets another descent"}


def momentum_descent(w, targets, lr=0.1, beta=0.99):
    def step(carry, target):
        w, v = carry
        v = beta * v + (w - target)
        w = w - lr * v
        return (w, v), jnp.stack([w, v])

    _, rows = jax.lax.scan(step, (w, jnp.zeros_like(w)), targets)
    return rows.reshape(targets.shape[0], 2)
