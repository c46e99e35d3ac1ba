"""activation that casts choice to uint8 before lax.switch ("an index is never negative")."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("activation", caught_by="oracle",
          why="choice.astype(uint8): -1 becomes 255 and clamps to swish, not relu; 256 becomes 0")


def activation(x, choice):
    choice = jnp.asarray(choice).astype(jnp.uint8)
    return jax.lax.switch(choice, [jax.nn.relu, jax.nn.gelu, jnp.tanh, jax.nn.swish], x)
