"""running_sum that "saves device memory" by storing inputs committed to a device as bfloat16:
right for uncommitted inputs (every property but `devices` passes them so), wrong by bfloat16's
rounding on every device alike once the inputs are committed (devices agree with each other)."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("running_sum", caught_by="devices", pitfall="only committed inputs differ",
          passes=("oracle", "jit", "grad", "vmap"),
          why="xs.astype(bfloat16) when xs.committed, on the device it was committed to")


def _committed(xs) -> bool:
    try:
        return bool(xs.committed)
    except Exception:  # a tracer (under jit, grad, vmap) or a NumPy array: not committed
        return False


def running_sum(xs):
    if _committed(xs):
        xs = xs.astype(jnp.bfloat16).astype(jnp.float32)

    def step(carry, x):
        carry = carry + x
        return carry, carry

    _, out = jax.lax.scan(step, jnp.zeros((), xs.dtype), xs)
    return out
