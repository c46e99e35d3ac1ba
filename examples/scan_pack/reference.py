"""The pack's reference implementations (its answer key): what a correct learner module looks like."""
import jax
import jax.numpy as jnp


def prefix_max(xs):
    if xs.shape[0] == 0:
        return xs
    return jax.lax.associative_scan(jnp.maximum, xs)


def momentum_descent(w, targets, lr=0.1, beta=0.9):
    def step(carry, target):
        w, v = carry
        v = beta * v + (w - target)
        w = w - lr * v
        return (w, v), jnp.stack([w, v])

    _, rows = jax.lax.scan(step, (w, jnp.zeros_like(w)), targets)
    return rows.reshape(targets.shape[0], 2)


def power_iteration(A, v0, n_iter=20):
    def body(_, v):
        v = A @ v
        return v / jnp.sqrt(jnp.sum(v * v))

    return jax.lax.fori_loop(0, n_iter, body, v0)
