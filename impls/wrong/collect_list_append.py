"""The collector appends each loss to a Python list inside the scan body: the list holds
tracers that leak out of the scan, so nothing can be returned."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_collect_losses", caught_by="oracle", pitfall="raised",
          why="a Python list filled inside a traced body (seed 000's 'Why this matters')")


def scan_collect_losses(w, lr, x_batches, y_batches):
    losses = []

    def step(w, batch):
        x, y = batch
        losses.append(jnp.sum((w * x - y) ** 2))
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), None

    final_w, _ = lax.scan(step, w, (x_batches, y_batches))
    return jnp.concatenate([jnp.atleast_1d(final_w), jnp.stack(losses)])
