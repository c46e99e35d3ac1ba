"""ema whose default alpha is 0.2, not the contract's 0.1: right whenever alpha is passed, wrong
for every caller who writes `ema(xs)`."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle", pitfall="the function's own default for alpha is not the contract's",
          passes=("shape", "jit", "vmap"), why="def ema(xs, alpha=0.2)")
# Not `structure`: its program must also compute the oracle's result, and structure runs the
# large input with its defaults left out.


def ema(xs, alpha=0.2):
    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, rest = jax.lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], rest])
