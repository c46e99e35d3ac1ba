"""ema as a truncated convolution: out[i] weighs only the last 32 values (the oldest of them
stands in for everything before it). Exact for the first 32 outputs, and wherever alpha
forgets within 32 steps; wrong once an early value still carries weight (alpha near 0)."""
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle", passes=("shape", "jit", "vmap"),
          why="a kernel of the last K = 32 terms: the weight (1 - alpha)**K of older values is dropped")

K = 32


def ema(xs, alpha=0.1):
    i = jnp.arange(xs.shape[0])
    lag = i[:, None] - i[None, :]  # out[i] takes xs[i - lag]
    first = jnp.maximum(i - K + 1, 0)[:, None] == i[None, :]  # the oldest value in the window
    weights = jnp.where((lag >= 0) & (lag < K), alpha * (1 - alpha) ** lag, 0.0)
    weights = jnp.where(first, (1 - alpha) ** lag, weights)
    return weights @ xs
