"""custom_cumsum that scans only the first 64 elements and repeats the last sum for the rest."""
import jax
import jax.numpy as jnp

from impls.wrong import Bug

BUG = Bug("custom_cumsum", caught_by="oracle",
          why="scan over xs[:64], then padded with the last sum (mode='edge'): elements past the 64th are never added")

CHUNK = 64


def custom_cumsum(xs):
    def step(acc, x):
        acc = acc + x
        return acc, acc

    _, head = jax.lax.scan(step, jnp.zeros((), xs.dtype), xs[:CHUNK])
    rest = xs.shape[0] - head.shape[0]
    if rest == 0:
        return head
    return jnp.pad(head, (0, rest), mode="edge")
