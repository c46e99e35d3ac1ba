"""The pack's three functions written with other loops than reference.py: prefix_max with
lax.scan, momentum_descent with fori_loop writing into a buffer and a stacked (w, v) carry,
power_iteration with lax.scan(length=n_iter) and jnp.linalg.norm."""
import jax
import jax.numpy as jnp


def prefix_max(xs):
    def step(best, x):
        best = jnp.maximum(best, x)
        return best, best

    _, out = jax.lax.scan(step, jnp.full((), -jnp.inf, xs.dtype), xs)
    return out


def momentum_descent(w, targets, lr=0.1, beta=0.9):
    n = targets.shape[0]
    if n == 0:  # (shapes are static: the body would index an empty array when traced)
        return targets.reshape(0, 2)

    def body(t, state):
        wv, rows = state
        v = beta * wv[1] + (wv[0] - targets[t])
        wv = jnp.stack([wv[0] - lr * v, v])
        return wv, rows.at[t].set(wv)

    start = jnp.stack([jnp.asarray(w, jnp.float32), jnp.zeros((), jnp.float32)])
    _, rows = jax.lax.fori_loop(0, n, body, (start, jnp.zeros((n, 2), jnp.float32)))
    return rows


def power_iteration(A, v0, n_iter=20):
    def step(v, _):
        v = A @ v
        return v / jnp.linalg.norm(v), None

    v, _ = jax.lax.scan(step, v0, None, length=n_iter)
    return v
