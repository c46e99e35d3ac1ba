"""A hand-derived gradient that forgot the factor 2 of the square's derivative."""
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle", pitfall="missing its factor 2",
          why="g = sum(x * (w*x - y)) instead of 2 * sum(...)")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jnp.sum(x * (w * x - y)), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
