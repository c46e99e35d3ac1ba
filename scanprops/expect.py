"""What the oracle expects: values in NumPy float64, gradients through JAX in float64."""
from __future__ import annotations

import hashlib
import pickle
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from scanprops import grad_store, perturbed
from scanprops.cases import Case
from scanprops.compat import x64
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


_GRADS: dict[bytes, tuple] = {}  # this process's memo of the oracle's gradients (grad_store: across runs)


def forget() -> None:
    """Empty this process's memo of the oracle's gradients (a new process would start so)."""
    _GRADS.clear()


def grad(problem: Problem, case: Case, wrt: tuple[str, ...], cotangent: np.ndarray) -> tuple:
    """d vdot(cotangent, oracle(case)) / d case[w] for each w in `wrt`, by JAX autodiff of the
    float64 Python loop. Memoised: several tests of one process ask for the same case, and
    later runs find it on disk (scanprops/grad_store.py) while the compilation cache is on."""
    return _remembered("gradient", problem, case, wrt, cotangent)


def grad_magnitudes(problem: Problem, case: Case, wrt: tuple[str, ...], cotangent: np.ndarray) -> tuple:
    """For each entry of `grad`, the magnitude of what its reverse pass subtracts there, which
    the gradient's rounding allowance is scaled by (scanprops/tolerance.py `grad_allowance`).

    The cotangent c has mixed signs by design (a gradient that drops a term must not hide), and
    its signs make the contributions of the loop's steps cancel: under c, terms of size 1 may sum
    to 4e-5 while float32 rounds them at their own size. So the gradient is taken under c's
    positive and its negative part, each a gradient whose contributions do not cancel through c:
    vjp(c) = vjp(c+) - vjp(c-), and the magnitude is |vjp(c+)| + |vjp(c-)|, never less than
    |vjp(c)| nor than |vjp(|c|)|. (A magnitude that also removed the signs inside the Jacobians,
    the reverse pass evaluated on absolute values, was tried: through a recurrent weight of mixed
    signs it grows like || |W| ||^T, 1e74 at T = 80, while rounding errors propagate through W,
    not |W|; the floor of `grad_allowance` covers that cancellation.) Asked for only where the
    floor alone would fail the gradient, since a larger scale can only pass more: a passing run
    pays nothing for it."""
    return _remembered("magnitudes", problem, case, wrt, cotangent)


def grad_spread(problem: Problem, case: Case, wrt: tuple[str, ...], cotangent: np.ndarray) -> tuple:
    """For each entry of `grad`, how far float32 rounding alone moves it at this input: the
    largest distance from it of the oracle's gradient program run with every operation
    perturbed by a relative error of float32's size (scanprops/perturbed.py). Where the
    cancellation is inside a step's Jacobian rather than across the cotangent (a factor
    1 - 2 lr sum(x^2) of 4e-9), `grad_magnitudes` does not see it and this does. Asked for only
    where the floor and the magnitudes both fail the gradient."""
    return _remembered("spread", problem, case, wrt, cotangent)


def _remembered(kind: str, problem: Problem, case: Case, wrt: tuple[str, ...], cotangent: np.ndarray) -> tuple:
    key = grad_store.request(problem.name, case, wrt, cotangent, kind)
    if key not in _GRADS:
        stored = grad_store.load(key, tuple(case[w] for w in wrt))
        if stored is None:
            c = np.asarray(cotangent, np.float64)
            if kind == "gradient":
                (stored,) = _reverse(problem, case, wrt, [c])
            elif kind == "magnitudes":
                plus, minus = _reverse(problem, case, wrt, [np.maximum(c, 0.0), np.maximum(-c, 0.0)])
                stored = tuple(jax.tree_util.tree_map(lambda p, m: np.abs(p) + np.abs(m), a, b)
                               for a, b in zip(plus, minus))
            else:
                stored = _spread(problem, case, wrt, c, seed=int.from_bytes(hashlib.sha256(key).digest()[:8], "little"))
            grad_store.save(key, stored)
        _GRADS[key] = stored
    return _GRADS[key]


def _oracle_of(problem: Problem, case: Case, wrt: tuple[str, ...]):
    """(the oracle as a function of the `wrt` arguments, their float64 values); call under x64."""
    names = case.names
    ks = [names.index(w) for w in wrt]
    args = [
        v if n in problem.static else jax.tree_util.tree_map(lambda a: jnp.asarray(a, jnp.float64), as64(v))
        for n, v in zip(names, case.values)
    ]

    def oracle(*vs):
        call = list(args)
        for k, v in zip(ks, vs):
            call[k] = v
        return jnp.asarray(problem.oracle(jnp, *call))

    return oracle, tuple(args[k] for k in ks)


def _spread(problem: Problem, case: Case, wrt: tuple[str, ...], cotangent: np.ndarray, seed: int) -> tuple:
    with x64(True):
        oracle, primals = _oracle_of(problem, case, wrt)
        cot = jnp.asarray(cotangent, jnp.float64)
        spread = perturbed.gradient_spread(lambda *vs: jnp.vdot(cot, oracle(*vs)), primals, seed=seed)
        return _as_numpy(spread)


def _reverse(problem: Problem, case: Case, wrt: tuple[str, ...], cotangents: list[np.ndarray]) -> list[tuple]:
    """vjp(oracle)(c) for each cotangent c: one forward pass, op by op in float64, and its reverse
    pass (batched over the cotangents when there are several)."""
    with x64(True):
        oracle, primals = _oracle_of(problem, case, wrt)
        _, vjp = jax.vjp(oracle, *primals)
        if len(cotangents) == 1:
            return [_as_numpy(vjp(jnp.asarray(cotangents[0], jnp.float64)))]
        batch = jax.vmap(vjp)(jnp.asarray(np.stack(cotangents), jnp.float64))
        return [_as_numpy(jax.tree_util.tree_map(lambda a: a[i], batch)) for i in range(len(cotangents))]


def _as_numpy(grads: tuple) -> tuple:
    return tuple(jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), g) for g in grads)


def cotangent_for(shape: tuple[int, ...]) -> np.ndarray:
    """A fixed, non-degenerate output weighting (mixed signs and sizes, never zero)."""
    n = int(np.prod(shape)) if shape else 1
    i = np.arange(n)
    return ((1.0 + (i % 3)) / 3.0 * np.where(i % 2, -1.0, 1.0)).reshape(shape).astype(np.float32)

