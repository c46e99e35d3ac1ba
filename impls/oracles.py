"""Python-loop oracles, written without lax.scan.

Each oracle takes an array module `xp` first. The harness runs it with `numpy` in float64
for values (no JAX involved at all), and with `jax.numpy` under float64 (x64 enabled) when it
needs the oracle's gradient. Loops are plain Python `for` loops; no in-place updates, so the
same code is differentiable.
"""
from __future__ import annotations


def rows(xp, a) -> list:
    """The rows of `a` (its slices along the first axis), for a Python loop to visit. Split in
    one operation where the array module has one: under jax.grad each `a[i]` would be its own
    slice primitive, compiled once per index, which made the oracle's gradient the slowest part
    of a run at 80 steps; one unstack compiles once per shape. Same values either way."""
    unstack = getattr(xp, "unstack", None)  # NumPy >= 2.1, jax.numpy
    return list(unstack(a)) if unstack is not None and len(a) else list(a)


# --- seeds 000 and 001: SGD on sum((w*x - y)**2) -------------------------------------------
def sgd_trajectory(xp, w, lr, x_batches, y_batches, *, lr_used=None, post_update_loss=False,
                   reverse=False, grad_scale=2.0, sign=-1.0):
    """Weights and pre-update losses of N hand-derived SGD steps.

    The keyword arguments exist only to describe known pitfalls (see catalog); the oracle
    itself uses their defaults.
    """
    lr = lr if lr_used is None else lr_used
    order = list(zip(rows(xp, x_batches), rows(xp, y_batches)))
    if reverse:
        order = order[::-1]
    losses = []
    for x, y in order:
        residual = w * x - y
        grad = grad_scale * xp.sum(x * residual)  # d/dw sum((w x - y)^2) = 2 sum(x (w x - y))
        new_w = w + sign * lr * grad
        at = new_w if post_update_loss else w
        losses.append(xp.sum((at * x - y) ** 2))
        w = new_w
    return w, losses


def scan_training_step(xp, w, lr, x_batches, y_batches, **pitfall):
    return sgd_trajectory(xp, w, lr, x_batches, y_batches, **pitfall)[0]


def scan_collect_losses(xp, w, lr, x_batches, y_batches, **pitfall):
    final_w, losses = sgd_trajectory(xp, w, lr, x_batches, y_batches, **pitfall)
    return xp.stack([xp.asarray(final_w)] + [xp.asarray(l) for l in losses])
