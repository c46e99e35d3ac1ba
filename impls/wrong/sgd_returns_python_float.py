"""The result is converted to a Python float "for printing": float64 comes back, and jit breaks."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="shape", pitfall="float64", passes=("oracle",),
          why="float(w_final) turns the float32 result into a Python float")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    return float(lax.scan(step, w, (x_batches, y_batches))[0])
