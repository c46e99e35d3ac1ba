"""prefix_max with lax.scan, emitting the carry from before the step: an exclusive maximum."""
import jax
import jax.numpy as jnp

BUG = {"function": "prefix_max", "caught_by": "oracle", "pitfall": "exclusive prefix maximum", "passes": ("shape",),
       "why": "out[i] = max(xs[:i]) (-inf at i = 0) instead of max(xs[:i+1])"}


def prefix_max(xs):
    def step(best, x):
        return jnp.maximum(best, x), best

    _, out = jax.lax.scan(step, jnp.float32(-jnp.inf), xs)
    return out
