"""running_sum as a Python `for`: right values, but it unrolls into N copies of the add."""
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("running_sum", caught_by="structure", pitfall="unrolls",
          passes=("oracle", "shape", "jit", "grad", "vmap", "devices"),
          why="only the structure property can see a Python loop: every value is right")


def running_sum(xs):
    carry, outputs = 0.0, []
    for x in xs:
        carry = carry + x
        outputs.append(carry)
    return jnp.stack(outputs) if outputs else xs  # N = 0: the empty xs is the result
