"""ema with alpha and (1 - alpha) swapped: the new value gets the previous average's weight."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle", pitfall="swapped EMA coefficients",
          why="(1 - alpha) * x + alpha * prev; invisible at alpha = 0.5 only")


def ema(xs, alpha=0.1):
    def step(prev, x):
        new = (1 - alpha) * x + alpha * prev
        return new, new

    _, smooth = jax.lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], smooth])
