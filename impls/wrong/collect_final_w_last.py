"""The collector packs [losses..., final_w] instead of [final_w, losses...]."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_collect_losses", caught_by="oracle", why="concatenation order swapped")


def scan_collect_losses(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        loss = jnp.sum((w * x - y) ** 2)
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), loss

    final_w, losses = lax.scan(step, w, (x_batches, y_batches))
    return jnp.concatenate([losses, jnp.atleast_1d(final_w)])
