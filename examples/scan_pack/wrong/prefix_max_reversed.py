"""prefix_max with associative_scan(reverse=True): suffix maxima."""
import jax
import jax.numpy as jnp

BUG = {"function": "prefix_max", "caught_by": "oracle", "pitfall": "reversed scan", "passes": ("shape",),
       "why": "out[i] = max(xs[i:]) instead of max(xs[:i+1])"}


def prefix_max(xs):
    if xs.shape[0] == 0:
        return xs
    return jax.lax.associative_scan(jnp.maximum, xs, reverse=True)
