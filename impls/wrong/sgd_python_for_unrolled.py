"""A correct Python `for` loop: right values, but it unrolls into N copies of the step."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="structure", pitfall="unrolls",
          passes=("oracle", "shape", "jit", "grad", "vmap", "devices"),
          why="only the structure property can see a Python loop: every value is right")


def scan_training_step(w, lr, x_batches, y_batches):
    for x, y in zip(x_batches, y_batches):
        w = w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w)
    return w
