"""A decoy lax.scan beside the real work, which runs in Python through jax.pure_callback (a
Python loop, not compiled): the program holds a loop of the right size, but the loop is not
what computes the result."""
import jax
import jax.numpy as jnp
import numpy as np


def python_loop(xs):
    out, total = np.zeros_like(xs), np.float32(0)
    for i, x in enumerate(np.asarray(xs)):
        total = np.float32(total + x)
        out[i] = total
    return out


def running_sum(xs):
    decoy = jax.lax.scan(lambda c, x: (c, c * 0), jnp.zeros((), xs.dtype), xs)[1]
    real = jax.pure_callback(python_loop, jax.ShapeDtypeStruct(xs.shape, xs.dtype), xs)
    return decoy + real
