"""ema whose alpha is keyword-only (`*`): `ema(xs, 0.3)`, a positional call the contract's
signature allows, raises TypeError."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle", pitfall="keyword-only (*)", why="def ema(xs, *, alpha=0.1)")


def ema(xs, *, alpha=0.1):
    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, rest = jax.lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], rest])
