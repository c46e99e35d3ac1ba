"""ema starts its carry at 0.0 and scans over all of xs, so out[0] = alpha * xs[0]."""
import jax

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle", pitfall="EMA started from 0",
          why="the average starts from 0 instead of xs[0]")


def ema(xs, alpha=0.1):
    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, smooth = jax.lax.scan(step, 0.0, xs)
    return smooth
