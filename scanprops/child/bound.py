"""JAX's and NumPy's callables the child uses itself, bound from the real modules before any
submission code runs: a submission that replaces `jax.jit` or `numpy.asarray` later changes
nothing here (and the guard, scanprops/child/guards.py, names what it replaced).

`bind` imports JAX, so a child calls it only once the kernel's layers that must come before JAX
are on (scanprops/child/main.py); the judge's own process binds on its first in-process call
(scanprops/in_process.py).
"""
from __future__ import annotations

ORIG: dict = {}  # filled once, by bind()


def bind() -> None:
    """Import NumPy and JAX and keep the callables the child's modules use (once)."""
    if ORIG:
        return
    import jax as _jax
    import jax.numpy as _jnp
    import jax.tree_util  # noqa: F401
    import numpy

    found = dict(
        np=numpy, jnp=_jnp, dtype=numpy.dtype,
        jit=_jax.jit, grad=_jax.grad, vmap=_jax.vmap, make_jaxpr=_jax.make_jaxpr,
        device_put=_jax.device_put, devices=_jax.devices, jnp_asarray=_jnp.asarray, vdot=_jnp.vdot,
        full_like=_jnp.full_like, tree_map=_jax.tree_util.tree_map, np_asarray=numpy.asarray,
        np_stack=numpy.stack, np_frombuffer=numpy.frombuffer, ndarray=numpy.ndarray,
        generic=numpy.generic, array_type=type(_jnp.zeros(())), tree_flatten=_jax.tree_util.tree_flatten,
        shape_dtype=_jax.ShapeDtypeStruct,
    )
    try:
        from jax import export as _export

        found.update(export=_export.export, deserialize=_export.deserialize)
    except ImportError:  # older jax: no jax.export (scanprops/compat.py names the range)
        pass
    ORIG.update(found)


def to_jax(value):
    """NumPy arrays (also inside dicts) as JAX arrays; anything else as it is."""
    return ORIG["tree_map"](lambda v: ORIG["jnp_asarray"](v) if isinstance(v, ORIG["ndarray"]) else v, value)
