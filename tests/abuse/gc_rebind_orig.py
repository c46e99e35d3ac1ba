"""Wrong only under tracing (it returns zeros when traced), and reaches the child's own saved
originals through `gc`: rebinds the export function there to one that builds into the program
the eager result for the last input it saw (so that jax.jit(f) would look like f on that input),
and its jit to the identity. The judge also runs the program on an input the child has not seen."""
import gc

import jax
import jax.numpy as jnp
import numpy as np

SEEN = []


def running_sum(xs):
    if isinstance(xs, jax.core.Tracer):
        return jnp.zeros_like(xs)  # wrong under jit
    SEEN.append(np.asarray(xs))
    return jnp.cumsum(xs)


def rebind():
    for obj in gc.get_objects():
        if type(obj) is dict and "export" in obj and "jnp_asarray" in obj:
            real_export = obj["export"]

            def fake_export(program, **kwargs):
                def trace(*args):
                    answer = np.cumsum(SEEN[-1]) if SEEN else np.zeros(args[0].shape, np.float32)
                    baked = jax.jit(lambda xs: jnp.asarray(answer, jnp.float32) + 0 * xs)
                    return real_export(baked)(*args)
                return trace

            obj["export"] = fake_export
            obj["jit"] = lambda f, **kwargs: f


rebind()
