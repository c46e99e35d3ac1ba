"""ema returns only the scanned values: out[0] = xs[0] is never put in front."""
import jax

from impls.wrong import Bug

BUG = Bug("ema", caught_by="shape", why="returns N - 1 values: the concatenation with xs[:1] is missing")


def ema(xs, alpha=0.1):
    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, smooth = jax.lax.scan(step, xs[0], xs[1:])
    return smooth
