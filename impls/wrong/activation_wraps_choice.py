"""activation that wraps out-of-range choices around (choice % 4) instead of clamping."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("activation", caught_by="oracle", pitfall="out-of-range choice wraps around",
          why="lax.switch(choice % 4, ...): -1 gives swish, 4 gives relu")


def activation(x, choice):
    return jax.lax.switch(choice % 4, [jax.nn.relu, jax.nn.gelu, jnp.tanh, jax.nn.swish], x)
