"""ema with no default for alpha: `ema(xs)`, the contract's all-defaults call, raises TypeError."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle", pitfall="with alpha omitted: the contract's default is 0.1",
          why="def ema(xs, alpha)")


def ema(xs, alpha):
    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, rest = jax.lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], rest])
