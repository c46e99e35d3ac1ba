"""apply_shared_layers counts the input as the first layer: the scan runs num_layers - 1 times."""
import jax

from impls.wrong import Bug

BUG = Bug("apply_shared_layers", caught_by="oracle", pitfall="one layer short",
          why="length=num_layers - 1")


def apply_shared_layers(params, x, num_layers):
    def layer_fn(x, _):
        return jax.nn.relu(x @ params["w"] + params["b"]), None

    final_x, _ = jax.lax.scan(layer_fn, x, xs=None, length=num_layers - 1)
    return final_x
