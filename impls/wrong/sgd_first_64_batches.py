"""scan_training_step scans only the first 64 batches (a step budget hard-coded from a tutorial)."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle",
          why="x_batches[:64]: batches past the 64th are silently ignored, so N > 64 stops early")

MAX_STEPS = 64


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    return lax.scan(step, w, (x_batches[:MAX_STEPS], y_batches[:MAX_STEPS]))[0]
