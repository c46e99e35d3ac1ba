"""ema with alpha rounded to two decimals (`jnp.round(alpha, 2)`)."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle",
          why="jnp.round(alpha, 2): right for 0.1, 0.5, 0.3, wrong for any alpha with more digits")


def ema(xs, alpha=0.1):
    alpha = jnp.round(alpha, 2)

    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, rest = jax.lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], rest])
