"""Scanning over batch indices and indexing x_batches[i] in the body: right for N >= 1, but
at N = 0 the index is out of bounds when the body is traced, so the call raises."""
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle", pitfall="IndexError",
          why="x_batches[i] in a body traced for an empty axis")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, i):
        x, y = x_batches[i], y_batches[i]
        return w - lr * 2.0 * jnp.dot(x, w * x - y), None

    return lax.scan(step, w, jnp.arange(x_batches.shape[0]))[0]
