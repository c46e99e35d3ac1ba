"""The pack's oracles: plain Python loops over the steps, the judge's side of every comparison.

Each takes the array module `xp` first: the harness runs it with NumPy in float64 for values and
with jax.numpy under float64 for gradients, so it uses `xp.` operations and never updates an
array in place. Keyword arguments after `*` describe known pitfalls only (see __init__.py).
"""
from __future__ import annotations


def prefix_max(xp, xs, *, exclusive=False, reverse=False):
    """out[i] = max(xs[:i+1]) (reverse: max(xs[i:]); exclusive: max(xs[:i]), -inf for i = 0)."""
    seq = list(xs)[::-1] if reverse else list(xs)
    best, out = None, []
    for x in seq:
        new = x if best is None else xp.maximum(best, x)
        out.append(xp.asarray(-xp.inf if best is None else best) if exclusive else new)
        best = new
    out = out[::-1] if reverse else out
    return xp.stack(out) if out else xp.zeros((0,))


def momentum_descent(xp, w, targets, lr=0.1, beta=0.9, *, ema=False, before=False):
    """Heavy-ball descent on the online loss 0.5 * (w - targets[t])**2: g = w - targets[t],
    v = beta * v + g, w = w - lr * v, from v = 0. Row t of the result is (w, v) after step t
    (before: (w, v) before it; ema: v = beta * v + (1 - beta) * g)."""
    v = 0.0 * w
    rows = []
    for target in list(targets):
        g = w - target
        new_v = beta * v + ((1.0 - beta) * g if ema else g)
        new_w = w - lr * new_v
        rows.append(xp.stack([w, v]) if before else xp.stack([new_w, new_v]))
        w, v = new_w, new_v
    return xp.stack(rows) if rows else xp.zeros((0, 2))


def power_iteration(xp, A, v0, n_iter=20, *, extra=0, normalize_last=True):
    """n_iter steps of v = A v / |A v| from v0 (normalize_last=False: the last step's A v is not
    divided by its norm)."""
    v = v0
    steps = n_iter + extra
    for i in range(steps):
        v = A @ v
        if normalize_last or i < steps - 1:
            v = v / xp.sqrt(xp.sum(v * v))
    return v
