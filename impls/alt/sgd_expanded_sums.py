"""The SGD rows with the gradient and loss expanded into precomputed sums:
grad = 2 (w sum x**2 - sum x y), loss = w**2 sum x**2 - 2 w sum x y + sum y**2.
Algebraically the same; in float32 the terms cancel differently, which the tolerance must allow."""
import jax.numpy as jnp
from jax import lax


def _run(w, lr, x_batches, y_batches):
    sxx = jnp.sum(x_batches * x_batches, axis=1)
    sxy = jnp.sum(x_batches * y_batches, axis=1)
    syy = jnp.sum(y_batches * y_batches, axis=1)

    def step(w, sums):
        xx, xy, yy = sums
        loss = w * w * xx - 2.0 * w * xy + yy
        return w - lr * 2.0 * (w * xx - xy), loss

    return lax.scan(step, w, (sxx, sxy, syy))


def scan_training_step(w, lr, x_batches, y_batches):
    return _run(w, lr, x_batches, y_batches)[0]


def scan_collect_losses(w, lr, x_batches, y_batches):
    w, losses = _run(w, lr, x_batches, y_batches)
    return jnp.concatenate([w[None], losses])
