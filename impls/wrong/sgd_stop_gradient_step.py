"""The step's gradient is wrapped in stop_gradient "to save memory": values are right, but the
derivative of the final w with respect to w, lr and the data loses every second-order path."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="grad",
          passes=("oracle", "shape", "jit", "vmap", "devices", "structure"),
          why="lax.stop_gradient(g) makes d w_final / d w equal 1 whatever the data")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        g = jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w)
        return w - lr * lax.stop_gradient(g), None

    return lax.scan(step, w, (x_batches, y_batches))[0]
