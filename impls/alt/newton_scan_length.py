"""newton_iteration as a lax.scan over n_iter steps with no per-step output: same steps."""
from jax import lax


def newton_iteration(f, f_prime, x0, n_iter=20):
    def step(x, _):
        return x - f(x) / f_prime(x), None

    x, _ = lax.scan(step, x0, None, length=n_iter)
    return x
