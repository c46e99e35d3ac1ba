"""running_sum emits the carry from before the addition: an exclusive cumulative sum."""
import jax

from impls.wrong import Bug

BUG = Bug("running_sum", caught_by="oracle", pitfall="exclusive cumsum",
          why="out[i] = sum(xs[:i]) instead of sum(xs[:i+1])")


def running_sum(xs):
    def step(carry, x):
        return carry + x, carry

    final_carry, outputs = jax.lax.scan(step, init=0.0, xs=xs)
    return outputs
