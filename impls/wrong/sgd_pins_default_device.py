"""The weight is put on "the accelerator" with jax.device_put(w, jax.devices()[0]): inputs
committed to another device then meet a weight pinned to device 0."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="devices", passes=("oracle", "jit", "grad"),
          why="an explicit device_put to devices()[0] inside the function")


def scan_training_step(w, lr, x_batches, y_batches):
    w = jax.device_put(w, jax.devices()[0])

    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
