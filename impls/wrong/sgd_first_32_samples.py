"""scan_training_step uses only the first 32 samples of each batch (batch size 32 hard-coded)."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle",
          why="x[:32], y[:32] in the step: samples past the 32nd of a batch (B > 32) never count")

BATCH_SIZE = 32


def scan_training_step(w, lr, x_batches, y_batches):
    def loss(w, x, y):
        return jnp.sum((w * x[:BATCH_SIZE] - y[:BATCH_SIZE]) ** 2)

    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(loss)(w, x, y), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
