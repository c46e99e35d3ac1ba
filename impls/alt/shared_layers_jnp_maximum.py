"""apply_shared_layers with relu spelled jnp.maximum(v, 0.0) and jnp.dot: the same values; its
derivative at exactly 0 is 1/2 (jax.nn.relu's is 0), which the strategies never probe."""
import jax.numpy as jnp
from jax import lax


def apply_shared_layers(params, x, num_layers):
    def layer_fn(x, _):
        return jnp.maximum(jnp.dot(x, params["w"]) + params["b"], 0.0), None

    final_x, _ = lax.scan(layer_fn, x, None, length=num_layers)
    return final_x
