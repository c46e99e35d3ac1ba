"""running_sum returns the scan's final carry (the total) instead of the per-step outputs."""
import jax

from impls.wrong import Bug

BUG = Bug("running_sum", caught_by="shape", why="returns the scalar total, not the (N,) partial sums")


def running_sum(xs):
    def step(carry, x):
        new_carry = carry + x
        return new_carry, new_carry

    final_carry, outputs = jax.lax.scan(step, init=0.0, xs=xs)
    return final_carry
