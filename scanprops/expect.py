"""What the oracle expects: values in NumPy float64, gradients through JAX in float64."""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

import numpy as np

from scanprops import grad_store
from scanprops.cases import Case
from scanprops.problem import Problem, as64


_VALUES: dict[tuple, Any] = {}
VALUES_KEPT = 4096  # oracle results memoised per process (the oldest go first)


def value(problem: Problem, case: Case, oracle=None) -> Any:
    """The oracle's result for `case`, computed with NumPy in float64 (JAX is not involved).
    Memoised per process (`oracle` and `pre_update` check the same drawn cases, and a failing
    case's pitfall oracles are asked again as Hypothesis replays it); the arrays are read-only."""
    oracle = oracle or problem.oracle
    try:
        key = (oracle, problem.name, pickle.dumps(case))
    except Exception:  # noqa: BLE001  (an argument that does not pickle: compute it every time)
        return _value(oracle, case)
    if key not in _VALUES:
        if len(_VALUES) >= VALUES_KEPT:
            del _VALUES[next(iter(_VALUES))]
        _VALUES[key] = _value(oracle, case)
    return _VALUES[key]


def _value(oracle, case: Case) -> Any:
    with np.errstate(all="ignore"):
        out = oracle(np, *[as64(v) for v in case.values])
    if isinstance(out, tuple):
        return tuple(_read_only(np.asarray(o)) for o in out)
    return _read_only(np.asarray(out, dtype=np.float64))


def _read_only(arr: np.ndarray) -> np.ndarray:
    if arr.flags.writeable and arr.flags.owndata:
        arr.setflags(write=False)
    else:  # a view of something the oracle may still hold: keep a copy of our own
        arr = arr.copy()
        arr.setflags(write=False)
    return arr


def _x64():
    from scanprops.compat import x64

    return x64(True)


@dataclass(frozen=True)
class OracleGradient:
    """The oracle's gradient with respect to each differentiated argument, and beside each entry
    the magnitude of what its reverse pass subtracts there, which the gradient's rounding
    allowance is scaled by (scanprops/tolerance.py `grad_budget`).

    The cotangent c has mixed signs by design (a gradient that drops a term must not hide), and
    its signs make the contributions of the loop's steps cancel: under c, terms of size 1 may sum
    to 4e-5 while float32 rounds them at their own size. So the gradient is computed twice more,
    under c's positive and its negative part, each a gradient whose contributions do not cancel
    through c; vjp(c) = vjp(c+) - vjp(c-), and `magnitudes` = |vjp(c+)| + |vjp(c-)|, which is
    never less than |vjp(c)| nor than |vjp(|c|)|. (A magnitude that also removed the signs
    inside the Jacobians, the reverse pass evaluated on absolute values, was tried: through a
    recurrent weight of mixed signs it grows like ||W||^T, 1e74 at T = 80, since rounding
    errors propagate through W, not |W|; the floor of `grad_budget` covers that cancellation.)"""

    values: tuple
    magnitudes: tuple


_GRADS: dict[bytes, OracleGradient] = {}


def grad(problem: Problem, case: Case, wrt: tuple[str, ...], cotangent: np.ndarray) -> OracleGradient:
    """d vdot(cotangent, oracle(case)) / d case[w] for each w in `wrt`, by JAX autodiff of the
    float64 Python loop, with its magnitudes. Memoised: several tests of one process ask for the
    same case, and later runs find it on disk (scanprops/grad_store.py) while the compilation
    cache is on."""
    key = grad_store.request(problem.name, case, wrt, cotangent)
    if key not in _GRADS:
        arguments = tuple(case[w] for w in wrt)
        stored = grad_store.load(key, arguments + arguments)
        if stored is None:
            stored = _grad(problem, case, wrt, cotangent)
            grad_store.save(key, stored)
        _GRADS[key] = OracleGradient(stored[: len(wrt)], stored[len(wrt):])
    return _GRADS[key]


def _grad(problem: Problem, case: Case, wrt: tuple[str, ...], cotangent: np.ndarray) -> tuple:
    """The gradients, then their magnitudes: one forward pass, and one reverse pass batched over
    three cotangents."""
    import jax
    import jax.numpy as jnp

    names = case.names
    ks = [names.index(w) for w in wrt]
    with _x64():
        args = [
            v if n in problem.static else jax.tree_util.tree_map(lambda a: jnp.asarray(a, jnp.float64), as64(v))
            for n, v in zip(names, case.values)
        ]
        cot = jnp.asarray(cotangent, jnp.float64)

        def oracle(*vs):
            call = list(args)
            for k, v in zip(ks, vs):
                call[k] = v
            return jnp.asarray(problem.oracle(jnp, *call))

        _, vjp = jax.vjp(oracle, *[args[k] for k in ks])
        # the three reverse passes as one, batched over c, its positive and its negative part
        three = jax.vmap(vjp)(jnp.stack([cot, jnp.maximum(cot, 0.0), jnp.maximum(-cot, 0.0)]))
        grads = jax.tree_util.tree_map(lambda a: a[0], three)
        mags = jax.tree_util.tree_map(lambda a: jnp.abs(a[1]) + jnp.abs(a[2]), three)
        as_numpy = lambda x: jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), x)  # noqa: E731
        return tuple(as_numpy(g) for g in grads) + tuple(as_numpy(m) for m in mags)


def cotangent_for(shape: tuple[int, ...]) -> np.ndarray:
    """A fixed, non-degenerate output weighting (mixed signs and sizes, never zero)."""
    n = int(np.prod(shape)) if shape else 1
    i = np.arange(n)
    return ((1.0 + (i % 3)) / 3.0 * np.where(i % 2, -1.0, 1.0)).reshape(shape).astype(np.float32)

