"""Returns a registered pytree node of its own class, whose leaves are not the result."""
import jax
import jax.numpy as jnp


class Box:
    def __init__(self, value):
        self.value = value

    def __array__(self, dtype=None, copy=None):
        import numpy as np

        return np.zeros(1, np.float32)


jax.tree_util.register_pytree_node(Box, lambda b: ((b.value,), None), lambda _, leaves: Box(*leaves))


def running_sum(xs):
    return Box(jnp.cumsum(xs))
