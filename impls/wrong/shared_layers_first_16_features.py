"""apply_shared_layers whose matmul uses only the first 16 input features (D = 16 hard-coded)."""
import jax

from impls.wrong import Bug

BUG = Bug("apply_shared_layers", caught_by="oracle",
          why="x[:16] @ w[:16]: for D > 16 the inputs past the 16th feature never count")

FEATURES = 16


def apply_shared_layers(params, x, num_layers):
    w, b = params["w"], params["b"]

    def layer_fn(x, _):
        return jax.nn.relu(x[:FEATURES] @ w[:FEATURES] + b), None

    final_x, _ = jax.lax.scan(layer_fn, x, xs=None, length=num_layers)
    return final_x
