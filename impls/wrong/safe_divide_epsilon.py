"""safe_divide that adds a small epsilon to the divisor instead of testing for zero:
x / (y + 1e-8) is huge, not 0, at y == 0."""
from impls.wrong import Bug

BUG = Bug("safe_divide", caught_by="oracle", why="x / (y + eps) is not 0 at y == 0")


def safe_divide(x, y):
    return x / (y + 1e-8)
