"""Python-loop oracles for the scan rows of seed 004 (see scanprops/oracles/__init__.py for the conventions).

Each takes the array module `xp` first (NumPy float64 for values, jax.numpy under x64 for
gradients), loops in plain Python, and never updates an array in place. Keyword arguments
exist only to describe known pitfalls (see scanprops/catalog/lesson_scan.py); the oracle
itself uses their defaults.
"""
from __future__ import annotations

from scanprops.oracles import rows


def _stack(xp, values, shape_of_one):
    """xp.stack, also for an empty loop (a (0, ...) array)."""
    return xp.stack(values) if values else xp.zeros((0, *shape_of_one))


# --- running_sum, custom_cumsum: inclusive cumulative sum -------------------------------------
def cumulative_sum(xp, xs, *, exclusive=False, reverse=False):
    seq = rows(xp, xs)[::-1] if reverse else rows(xp, xs)
    total, out = 0.0, []
    for x in seq:
        out.append(total if exclusive else total + x)
        total = total + x
    out = [xp.asarray(o) for o in (out[::-1] if reverse else out)]
    return _stack(xp, out, ())


# --- ema: out[0] = xs[0], out[i] = alpha * xs[i] + (1 - alpha) * out[i-1] ---------------------
def ema(xp, xs, alpha, *, swapped=False, start_from_zero=False):
    keep, take = (alpha, 1 - alpha) if swapped else (1 - alpha, alpha)
    prev = 0.0 * xs[0] if start_from_zero else None
    out = []
    for x in rows(xp, xs):
        prev = x if prev is None else take * x + keep * prev
        out.append(prev)
    return xp.stack(out)


# --- rnn_forward: every hidden state of h = tanh(W_h h + W_x x + b) ---------------------------
def rnn_preactivations(xp, params, h0, xs, *, carry_updated=True, transposed_recurrence=False):
    """The pre-activation vector of each step, and each hidden state."""
    W_h = params["W_h"].T if transposed_recurrence else params["W_h"]
    h, pre, hs = h0, [], []
    for x in rows(xp, xs):
        v = W_h @ h + params["W_x"] @ x + params["b"]
        new_h = xp.tanh(v)
        pre.append(v)
        hs.append(new_h)
        if carry_updated:
            h = new_h
    return pre, hs


def rnn_forward(xp, params, h0, xs, **pitfall):
    _, hs = rnn_preactivations(xp, params, h0, xs, **pitfall)
    return _stack(xp, hs, h0.shape)


# --- apply_shared_layers: num_layers times relu(x @ w + b), one shared w ----------------------
def shared_layer_preactivations(xp, params, x, num_layers, *, transposed=False):
    """The pre-activation of each layer, and the final x. relu is written as a `where` so its
    autodiff derivative at exactly 0 is 0, as for jax.nn.relu."""
    w = params["w"].T if transposed else params["w"]
    pre = []
    for _ in range(num_layers):
        v = x @ w + params["b"]
        pre.append(v)
        x = xp.where(v > 0, v, 0.0)
    return pre, x


def apply_shared_layers(xp, params, x, num_layers, **pitfall):
    return shared_layer_preactivations(xp, params, x, num_layers, **pitfall)[1]
