"""activation that clips x to [-20, 20] first ("everything saturates past 20 anyway")."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("activation", caught_by="oracle",
          why="jnp.clip(x, -20, 20): relu, gelu and swish of x > 20 give 20, not x")


def activation(x, choice):
    x = jnp.clip(x, -20.0, 20.0)
    return jax.lax.switch(choice, [jax.nn.relu, jax.nn.gelu, jnp.tanh, jax.nn.swish], x)
