"""momentum_descent as a Python for loop: right values, but the program unrolls one copy of the
step per target."""
import jax.numpy as jnp

BUG = {"function": "momentum_descent", "caught_by": "structure", "pitfall": "", "passes": ("oracle", "shape"),
       "why": "a Python loop over the steps: the compiled program grows with N"}


def momentum_descent(w, targets, lr=0.1, beta=0.9):
    v = jnp.zeros_like(w)
    rows = []
    for t in range(targets.shape[0]):
        v = beta * v + (w - targets[t])
        w = w - lr * v
        rows.append(jnp.stack([w, v]))
    return jnp.stack(rows) if rows else targets.reshape(0, 2)
