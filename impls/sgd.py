"""Seeds 000 and 001: the SGD training loop with lax.scan, exactly as the seeds write it."""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax


# --- seed 001: training loop via lax.scan ---------------------------------------------------
def _loss(w, x, y):
    return jnp.sum((w * x - y) ** 2)


def scan_training_step(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        return w - lr * jax.grad(_loss)(w, x, y), None

    w_final, _ = lax.scan(step, w, (x_batches, y_batches))
    return w_final


# --- seed 000: scan with per-step outputs ---------------------------------------------------
def scan_collect_losses(w, lr, x_batches, y_batches):
    def step(w, batch):
        x, y = batch
        loss = _loss(w, x, y)  # before the update: losses[i] is the pre-update loss
        return w - lr * jax.grad(_loss)(w, x, y), loss

    final_w, losses = lax.scan(step, w, (x_batches, y_batches))
    return jnp.concatenate([jnp.atleast_1d(final_w), losses])
