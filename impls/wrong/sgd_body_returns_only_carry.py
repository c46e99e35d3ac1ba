"""Seed 001 pitfall, wrong per-step output: the body returns the new carry alone, not (carry, None)."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_training_step", caught_by="oracle", pitfall="raised",
          why="lax.scan needs the body to return a (carry, output) pair")


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w)

    return lax.scan(step, w, (x_batches, y_batches))[0]
