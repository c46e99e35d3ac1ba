"""The collector emits the batch-mean loss while it trains on the sum: the weights are right,
the losses are off by a factor B (invisible when B = 1)."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_collect_losses", caught_by="pre_update",
          why="jnp.mean for the reported loss, jnp.sum for the gradient")


def scan_collect_losses(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), jnp.mean((w * x - y) ** 2)

    final_w, losses = lax.scan(step, w, (x_batches, y_batches))
    return jnp.concatenate([jnp.atleast_1d(final_w), losses])
