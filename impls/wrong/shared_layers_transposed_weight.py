"""apply_shared_layers computes w @ x (column-vector habit), which is x @ w.T."""
import jax

from impls.wrong import Bug

BUG = Bug("apply_shared_layers", caught_by="oracle", pitfall="transposed weight", why="w @ x instead of x @ w")


def apply_shared_layers(params, x, num_layers):
    def layer_fn(x, _):
        return jax.nn.relu(params["w"] @ x + params["b"]), None

    final_x, _ = jax.lax.scan(layer_fn, x, xs=None, length=num_layers)
    return final_x
