"""The SGD rows with a hand-derived gradient and jnp.dot."""
import jax.numpy as jnp
from jax import lax


def _run(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        r = w * x - y
        return w - lr * 2.0 * jnp.dot(x, r), jnp.dot(r, r)

    return lax.scan(step, w, (x_batches, y_batches))


def scan_training_step(w, lr, x_batches, y_batches):
    return _run(w, lr, x_batches, y_batches)[0]


def scan_collect_losses(w, lr, x_batches, y_batches):
    w, losses = _run(w, lr, x_batches, y_batches)
    return jnp.concatenate([w[None], losses])
