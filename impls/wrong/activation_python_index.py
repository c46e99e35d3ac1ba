"""activation that picks the function with a Python index: int(choice) needs a concrete value,
so it works op by op (and under grad with respect to x) but not under jit or vmap."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("activation", caught_by="jit", passes=("oracle", "devices"),
          why="Python list indexed by int(choice) instead of lax.switch")


def activation(x, choice):
    functions = [jax.nn.relu, jax.nn.gelu, jnp.tanh, jax.nn.swish]
    return functions[min(max(int(choice), 0), 3)](x)
