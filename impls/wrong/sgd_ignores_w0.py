"""The scan starts from 0.0, as in the worked example, instead of the argument w."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle", pitfall="ignored w0",
          why="the initial carry is the literal 0.0 from seed 001's example")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    return lax.scan(step, 0.0, (x_batches, y_batches))[0]
