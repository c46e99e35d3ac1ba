"""A Python shortcut `if lr == 0: return w`: right for every plain call, but it needs a concrete
lr, so jax.jit (and every other transformation) of the function fails."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="jit", pitfall="Python control flow",
          passes=("oracle", "shape", "devices"),
          why="Python `if` on a traced value")


def scan_training_step(w, lr, x_batches, y_batches):
    if lr == 0:
        return w

    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
