"""scan_training_step clamps the learning rate to at most 1.0 "for stability"."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle",
          why="lr = jnp.minimum(lr, 1.0): any lr above 1 (stable on small data) is silently lowered")


def scan_training_step(w, lr, x_batches, y_batches):
    lr = jnp.minimum(lr, 1.0)  # "keep SGD stable"

    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
