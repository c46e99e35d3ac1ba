"""Seed 001 pitfall: the body uses `batch` as if it were x, without `x, y = batch`."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle", pitfall="did not return a result",
          why="the (x, y) tuple reaches arithmetic that expects an array")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        return w - lr * jax.grad(lambda w: jnp.sum((w * batch[0] - batch) ** 2))(w), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
