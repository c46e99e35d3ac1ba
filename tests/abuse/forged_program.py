"""Replaces the program the child exports for jax.grad with bytes of its own (a truncated program
and plain garbage), through the child's saved export function; its gradient is wrong anyway."""
import gc

import jax
import jax.numpy as jnp


def running_sum(xs):
    return jnp.cumsum(jax.lax.stop_gradient(xs))  # wrong gradient


class Forged:
    def __init__(self, blob):
        self.blob = blob

    def serialize(self):
        return bytearray(self.blob)


for obj in gc.get_objects():
    if type(obj) is dict and "export" in obj and "jnp_asarray" in obj:
        real = obj["export"]

        def forged(program, **kwargs):
            def trace(*args):
                blob = bytes(real(program)(*args).serialize())
                return Forged(blob[: len(blob) // 2] if len(blob) % 2 else b"\x00garbage" * 64)
            return trace

        obj["export"] = forged
