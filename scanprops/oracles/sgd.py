"""Seeds 000 and 001: SGD on sum((w*x - y)**2), as a Python loop."""
from __future__ import annotations

from scanprops.oracles import rows


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
    return xp.stack([xp.asarray(final_w)] + [xp.asarray(loss) for loss in losses])
