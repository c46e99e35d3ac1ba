"""custom_cumsum with reverse=True: suffix sums instead of prefix sums."""
import jax

from impls.wrong import Bug

BUG = Bug("custom_cumsum", caught_by="oracle", pitfall="reversed scan",
          why="out[i] = sum(xs[i:]) instead of sum(xs[:i+1])")


def custom_cumsum(xs):
    def step(acc, x):
        new_acc = acc + x
        return new_acc, new_acc

    _, cumulative = jax.lax.scan(step, 0.0, xs, reverse=True)
    return cumulative
