"""apply_shared_layers that caps the depth at 64 layers ("deep enough"): right up to 64, one
layer short for every layer past it. Invisible wherever the layers forget their input within
64 layers; the memory-keeping stacks (strategies/lesson_scan.py, memory_layers) show it at 80."""
import jax

from impls.wrong import Bug

BUG = Bug("apply_shared_layers", caught_by="oracle", passes=("shape", "jit", "vmap", "structure"),
          why="length=min(num_layers, 64)")

MAX_DEPTH = 64


def apply_shared_layers(params, x, num_layers):
    def layer(x, _):
        return jax.nn.relu(x @ params["w"] + params["b"]), None

    return jax.lax.scan(layer, x, None, length=min(num_layers, MAX_DEPTH))[0]
