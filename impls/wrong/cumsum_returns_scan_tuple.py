"""custom_cumsum returns lax.scan's (final_carry, outputs) pair without unpacking it."""
import jax

from impls.wrong import Bug

BUG = Bug("custom_cumsum", caught_by="shape", why="returns (total, cumulative), two arrays, not one")


def custom_cumsum(xs):
    def step(acc, x):
        new_acc = acc + x
        return new_acc, new_acc

    return jax.lax.scan(step, 0.0, xs)
