"""apply_shared_layers as a Python `for` over range(num_layers): right values, unrolled."""
import jax

from impls.wrong import Bug

BUG = Bug("apply_shared_layers", caught_by="structure", pitfall="unrolls",
          passes=("oracle", "shape", "jit", "grad", "vmap", "devices"),
          why="only the structure property can see a Python loop: every value is right")


def apply_shared_layers(params, x, num_layers):
    for _ in range(num_layers):
        x = jax.nn.relu(x @ params["w"] + params["b"])
    return x
