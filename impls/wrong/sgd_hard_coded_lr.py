"""Seed 001 pitfall, lr captured wrong: the step uses 0.1, not the `lr` argument."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle", pitfall="hard-coded learning rate",
          why="the learning rate 0.1 from the worked example is hard-coded")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - 0.1 * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
