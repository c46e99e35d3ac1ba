"""Seed 000 pitfall: jnp.concatenate on the 0-d final_w, without jnp.atleast_1d."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_collect_losses", caught_by="oracle", pitfall="raised",
          why="concatenate needs 1-d inputs; final_w is a 0-d array")


def scan_collect_losses(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        loss = jnp.sum((w * x - y) ** 2)
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), loss

    final_w, losses = lax.scan(step, w, (x_batches, y_batches))
    return jnp.concatenate([final_w, losses])
