"""The collector returns the (N,) losses and forgets to prepend final_w."""
import jax
import jax.numpy as jnp
from jax import lax

from impls.wrong import Bug

BUG = Bug("scan_collect_losses", caught_by="shape", pitfall="final_w left out",
          why="returns losses, shape (N,), not (N+1,)")


def scan_collect_losses(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        loss = jnp.sum((w * x - y) ** 2)
        return w - lr * jax.grad(lambda w: jnp.sum((w * x - y) ** 2))(w), loss

    return lax.scan(step, w, (x_batches, y_batches))[1]
