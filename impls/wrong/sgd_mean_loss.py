"""The loss is a mean over the batch instead of the specified sum."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle", pitfall="gradient of the mean",
          why="jnp.mean((w*x-y)**2) in place of jnp.sum")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.mean((w * x - y) ** 2))(w), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
