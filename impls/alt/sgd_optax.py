"""The SGD rows with optax.sgd and value_and_grad: another style, the same results."""
import jax
import jax.numpy as jnp
import optax
from jax import lax


def _loss(w, x, y):
    return jnp.sum((w * x - y) ** 2)


def _run(w, lr, x_batches, y_batches):
    opt = optax.sgd(lr)

    def step(carry, batch):
        w, state = carry
        loss, g = jax.value_and_grad(_loss)(w, *batch)
        updates, state = opt.update(g, state, w)
        return (optax.apply_updates(w, updates), state), loss

    (w, _), losses = lax.scan(step, (w, opt.init(w)), (x_batches, y_batches))
    return w, losses


def scan_training_step(w, lr, x_batches, y_batches):
    return _run(w, lr, x_batches, y_batches)[0]


def scan_collect_losses(w, lr, x_batches, y_batches):
    w, losses = _run(w, lr, x_batches, y_batches)
    return jnp.concatenate([jnp.atleast_1d(w), losses])
