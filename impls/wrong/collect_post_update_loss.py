"""Seed 000 pitfall: the loss is computed after the update (one step ahead)."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_collect_losses", caught_by="pre_update", pitfall="post-update loss",
          why="losses[i] uses the weight after step i")


def scan_collect_losses(w, lr, x_batches, y_batches):
    def loss(w, x, y):
        return jnp.sum((w * x - y) ** 2)

    def step(w, batch):
        x, y = batch
        new_w = w - lr * jax.grad(loss)(w, x, y)
        return new_w, loss(new_w, x, y)

    final_w, losses = lax.scan(step, w, (x_batches, y_batches))
    return jnp.concatenate([jnp.atleast_1d(final_w), losses])
