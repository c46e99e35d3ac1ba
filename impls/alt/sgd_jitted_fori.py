"""The SGD rows as jitted wrappers: fori_loop for the trainer, value_and_grad in a scan for the
collector, and the losses written into a preallocated buffer with .at[].set."""
import jax
import jax.numpy as jnp
from jax import lax


def _loss(w, x, y):
    return jnp.sum((w * x - y) ** 2)


@jax.jit
def scan_training_step(w, lr, x_batches, y_batches):
    if x_batches.shape[0] == 0:  # a static shape: no body to trace, and x_batches[i] would be out of bounds
        return w

    def body(i, w):
        return w - lr * jax.grad(_loss)(w, x_batches[i], y_batches[i])

    return lax.fori_loop(0, x_batches.shape[0], body, w)


@jax.jit
def scan_collect_losses(w, lr, x_batches, y_batches):
    n = x_batches.shape[0]

    def step(carry, batch):
        w, out, i = carry
        loss, g = jax.value_and_grad(_loss)(w, *batch)
        return (w - lr * g, out.at[i + 1].set(loss), i + 1), None

    out = jnp.zeros(n + 1, dtype=jnp.result_type(w))
    (w, out, _), _ = lax.scan(step, (w, out, 0), (x_batches, y_batches))
    return out.at[0].set(w)
