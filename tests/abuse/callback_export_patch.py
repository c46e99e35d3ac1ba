"""Wrong only under tracing; routes the traced call back to the eager function through a host
callback, and switches off jax.export's own refusal of callbacks (an internal check the
submission's process can reach), so that jax.jit(f) would compute f's eager result."""
import jax
import jax.numpy as jnp
import numpy as np


def eager(xs):
    return np.cumsum(np.asarray(xs)).astype(np.float32)


def running_sum(xs):
    if isinstance(xs, jax.core.Tracer):
        return jax.pure_callback(eager, jax.ShapeDtypeStruct(xs.shape, xs.dtype), xs)
    return jnp.cumsum(xs) * 0  # and wrong plain


try:
    from jax._src.export import _export

    _export._check_lowering = lambda lowering: None
except Exception:
    pass
