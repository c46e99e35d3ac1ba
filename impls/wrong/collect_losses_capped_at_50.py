"""scan_collect_losses trains for at most 50 steps and zero-pads the losses to N."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_collect_losses", caught_by="oracle",
          why="scans x_batches[:50] and pads the losses with zeros: past 50 batches the final w "
              "stops and the losses are 0")

MAX_STEPS = 50


def scan_collect_losses(w, lr, x_batches, y_batches):
    def loss(w, x, y):
        return jnp.sum((w * x - y) ** 2)

    def step(w, batch):
        x, y = batch
        value, g = jax.value_and_grad(loss)(w, x, y)
        return w - lr * g, value

    n = x_batches.shape[0]
    final_w, losses = lax.scan(step, w, (x_batches[:MAX_STEPS], y_batches[:MAX_STEPS]))
    losses = jnp.pad(losses, (0, n - losses.shape[0]))  # keep the (N,) shape
    return jnp.concatenate([jnp.atleast_1d(final_w), losses])
