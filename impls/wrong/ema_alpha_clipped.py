"""ema with alpha clipped to [0.01, 0.99] ("so the average always moves and never just copies")."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("ema", caught_by="oracle",
          why="jnp.clip(alpha, 0.01, 0.99): wrong for alpha in [0, 0.01) and (0.99, 1]")


def ema(xs, alpha=0.1):
    alpha = jnp.clip(alpha, 0.01, 0.99)

    def step(prev, x):
        new = alpha * x + (1 - alpha) * prev
        return new, new

    _, rest = jax.lax.scan(step, xs[0], xs[1:])
    return jnp.concatenate([xs[:1], rest])
