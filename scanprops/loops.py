"""`assert_matches_loop`: the harness's generic check for a learner's own scan program, for use in
any project's pytest suite (no catalog row, no sandbox: the code under test is the caller's own).

    from scanprops.loops import assert_matches_loop

    def step(h, x):                                   # the body, as lax.scan takes it
        h = jnp.tanh(0.5 * h + x)
        return h, h

    def rnn(h0, xs):                                  # the program under test
        return jax.lax.scan(step, h0, xs)

    def test_rnn_matches_its_loop():
        assert_matches_loop(rnn, step, jnp.zeros(3), jnp.ones((5, 3)), width=2)

With Hypothesis, draw the inputs from the same building blocks the catalog uses
(scanprops.pack: `STEPS.sizes()`, `arrays`, `decades`, ...) and call it inside the test.

It checks `f(init, xs)`, which must return what `lax.scan(body, init, xs)` returns (the final
carry and the stacked outputs), against the Python loop over `body` run in float64 (x64), the
harness's oracle for scan, and then the same under `jax.jit`, `jax.grad` and `jax.vmap`, with the
harness's tolerances (scanprops/tolerance.py: n = steps x width roundings of operands the size
of the loop's largest value, unless `allowance` says otherwise) and its failure messages.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from scanprops.cases import Case
from scanprops.compat import x64
from scanprops.expect import cotangent_for
from scanprops.failure import mismatch, plain
from scanprops.tolerance import GRAD_FACTOR, TRANSFORM_FACTOR, Allowance, grad_allowance, within

__all__ = ["assert_matches_loop"]

TRANSFORMS = ("value", "jit", "grad", "vmap")


def assert_matches_loop(f: Callable, body: Callable, init: Any, xs: Any, *, width: int = 1,
                        allowance: Allowance | None = None, transforms: tuple[str, ...] = TRANSFORMS,
                        name: str | None = None) -> None:
    """Raise AssertionError (a PropertyFailure, with the harness's learner message) unless `f`
    agrees with the Python loop over `body`:

    - `value`: f(init, xs) equals the loop (float64) within the value allowance;
    - `jit`: jax.jit(f) equals f within twice it (XLA may reorder sums);
    - `grad`: the gradient of vdot(c, f(init, xs)) (c a fixed mixed-sign cotangent per output)
      with respect to every leaf of init and xs equals the loop's float64 gradient, within
      GRAD_FACTOR times an allowance scaled by the gradient's own size (float leaves only);
    - `vmap`: jax.vmap(f) over three inputs of these shapes (these, xs reversed in time, xs
      rotated by one step) equals f on each alone.

    `init` and `xs` are pytrees (xs' leaves share their leading axis, the loop's length N);
    `width`: the terms each step sums (a matrix-vector product of size H: H); `allowance`: the
    allowance instead of Allowance(steps=N + 1, width=width, scale=the loop's largest value);
    `transforms`: which of the four to check; `name`: the function's name in messages.

    >>> assert_matches_loop(lambda c, xs: jax.lax.scan(step, c, xs), step, 0.0, jnp.arange(4.0))
    """
    import jax

    unknown = [t for t in transforms if t not in TRANSFORMS]
    if unknown:
        raise ValueError(f"assert_matches_loop: unknown transforms {unknown}; choose from {TRANSFORMS}")
    name = name or getattr(f, "__name__", "f")
    case = Case.of(init=init, xs=xs)
    leaves = jax.tree_util.tree_leaves(xs)
    length = int(np.shape(leaves[0])[0]) if leaves else 0
    expected = _loop(body, init, xs)
    actual = _run(name, "value", case, lambda: f(init, xs))
    allowance = allowance or Allowance(steps=length + 1, width=width, scale=_largest(init, xs, expected))
    _compare(name, "value", case, expected, actual, allowance, 1.0, "the Python loop over body, float64",
             hint=_reversed_hint(body, init, xs, actual, allowance))
    if "jit" in transforms:
        jitted = _run(name, "jit", case, lambda: jax.jit(f)(init, xs))
        _compare(name, "jit", case, actual, jitted, allowance, TRANSFORM_FACTOR, "f called without jit",
                 "jax.jit(f)", "Results that change under jit usually come from Python side effects or state "
                 "captured at trace time (a global counter, a cached value).")
    if "grad" in transforms:
        _check_grad(f, body, init, xs, name, case, allowance)
    if "vmap" in transforms and length:
        _check_vmap(f, init, xs, name, allowance)


def _loop(body: Callable, init: Any, xs: Any, reverse: bool = False) -> Any:
    """The loop `lax.scan` stands for, in float64 (as NumPy arrays)."""
    import jax

    with x64(True):
        carry, xs64 = _as64(init), _as64(xs)
        leaves = jax.tree_util.tree_leaves(xs64)
        n = int(np.shape(leaves[0])[0]) if leaves else 0
        ys = []
        for i in (reversed(range(n)) if reverse else range(n)):
            carry, y = body(carry, jax.tree_util.tree_map(lambda a: a[i], xs64))
            ys.append(y)
        if reverse:
            ys = ys[::-1]
        stacked = jax.tree_util.tree_map(lambda *a: jax.numpy.stack(a), *ys) if ys else None
        return jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64), (carry, stacked))


def _as64(tree: Any) -> Any:
    import jax
    import jax.numpy as jnp

    def one(a):
        arr = np.asarray(a)
        return jnp.asarray(arr, jnp.float64) if np.issubdtype(arr.dtype, np.floating) else jnp.asarray(arr)

    return jax.tree_util.tree_map(one, tree)


def _largest(*trees: Any) -> float:
    import jax

    return max((float(np.max(np.abs(np.asarray(leaf, np.float64)), initial=0.0))
                for tree in trees for leaf in jax.tree_util.tree_leaves(tree)), default=0.0)


def _run(name: str, family: str, case: Case, call: Callable) -> Any:
    import jax

    try:
        out = call()
    except Exception as exc:  # noqa: BLE001  (the code under test: say what it raised)
        raise plain(name, family, case, "the function did not return a result",
                    f"  raised:    {type(exc).__name__}: {exc}") from None
    return jax.tree_util.tree_map(lambda a: np.asarray(a), out)


def _compare(name: str, family: str, case: Case, expected: Any, actual: Any, allowance: Allowance, factor: float,
             expected_label: str, actual_label: str = "", hint: str = "") -> None:
    import jax

    if not (isinstance(actual, tuple) and len(actual) == 2):
        raise plain(name, family, case, "the result is not (final carry, stacked outputs), as lax.scan returns",
                    f"  got:       {type(actual).__name__}")
    expected = (expected[0], expected[1]) if expected[1] is not None else (expected[0],)
    actual = (actual[0], actual[1]) if expected[1:] else (actual[0],)
    want, want_tree = jax.tree_util.tree_flatten(expected)
    got, got_tree = jax.tree_util.tree_flatten(actual)
    if want_tree != got_tree:
        raise plain(name, family, case, "the result has another structure than the loop's",
                    f"  expected:  {want_tree}", f"  got:       {got_tree}")
    for w, g in zip(want, got):
        if np.shape(w) != np.shape(g):
            raise plain(name, family, case, "the result has another shape than the loop's",
                        f"  expected:  shape {np.shape(w)}", f"  got:       shape {np.shape(g)}")
        if not within(g, w, allowance.atol(factor)):
            raise mismatch(name, family, case, f"the result differs from {expected_label}", w, g, allowance, factor,
                           expected_label=expected_label, actual_label=actual_label, hint=hint)


def _reversed_hint(body: Callable, init: Any, xs: Any, actual: Any, allowance: Allowance) -> str:
    """A hint when f matches the loop run last to first."""
    import jax

    try:
        backwards = jax.tree_util.tree_leaves(_loop(body, init, xs, reverse=True))
        forwards = jax.tree_util.tree_leaves(_loop(body, init, xs))
        got = jax.tree_util.tree_leaves((actual[0], actual[1]))
    except Exception:  # noqa: BLE001  (only a hint)
        return ""
    atol = allowance.atol()
    same = len(got) == len(backwards) and all(np.shape(g) == np.shape(b) and within(g, b, atol)
                                              for g, b in zip(got, backwards))
    if same and not all(within(f, b, atol) for f, b in zip(forwards, backwards)):
        return "this matches the loop run last to first: the scan ran in reverse (reverse=True, or flipped xs)."
    return ""


def _check_grad(f, body, init, xs, name, case, allowance) -> None:
    import jax
    import jax.numpy as jnp

    leaves = jax.tree_util.tree_leaves((init, xs))
    if not all(np.issubdtype(np.asarray(a).dtype, np.floating) for a in leaves):
        raise ValueError("assert_matches_loop: `grad` needs float leaves in init and xs; leave it out of "
                         "`transforms` for integer inputs")

    def weighted(fn, dtype):
        def loss(init, xs):
            out = fn(init, xs)
            return sum(jnp.vdot(jnp.asarray(cotangent_for(np.shape(a)), dtype), jnp.asarray(a, dtype))
                       for a in jax.tree_util.tree_leaves(out))
        return loss

    got = _run(name, "grad", case, lambda: jax.grad(weighted(f, jnp.float32), argnums=(0, 1))(init, xs))
    with x64(True):
        loop = weighted(lambda c, x: _scan_loop(body, c, x), jnp.float64)
        want = jax.tree_util.tree_map(lambda a: np.asarray(a, np.float64),
                                      jax.grad(loop, argnums=(0, 1))(_as64(init), _as64(xs)))
    for (path, w), g in zip(jax.tree_util.tree_flatten_with_path(want)[0], jax.tree_util.tree_leaves(got)):
        which = ("init" if path[0].idx == 0 else "xs") + jax.tree_util.keystr(path[1:])
        gallowance = grad_allowance(allowance, w)
        if np.shape(g) != np.shape(w) or not within(g, w, gallowance.atol(GRAD_FACTOR)):
            raise mismatch(name, "grad", case, f"the gradient with respect to `{which}` differs from the loop's",
                           w, g, gallowance, GRAD_FACTOR, expected_label=f"d vdot(c, loop)/d {which}, float64",
                           actual_label="jax.grad of f",
                           hint="a zero gradient means the argument does not reach the result (stop_gradient, "
                           "a NumPy round trip)" if not np.any(g) and np.any(w) else "")


def _scan_loop(body, init, xs):
    """The Python loop as a traceable function (for the float64 gradient)."""
    import jax

    n = int(np.shape(jax.tree_util.tree_leaves(xs)[0])[0])
    carry, ys = init, []
    for i in range(n):
        carry, y = body(carry, jax.tree_util.tree_map(lambda a: a[i], xs))
        ys.append(y)
    return carry, (jax.tree_util.tree_map(lambda *a: jax.numpy.stack(a), *ys) if ys else None)


def _check_vmap(f, init, xs, name, allowance) -> None:
    import jax

    others = [xs, jax.tree_util.tree_map(lambda a: np.asarray(a)[::-1], xs),
              jax.tree_util.tree_map(lambda a: np.roll(np.asarray(a), 1, axis=0), xs)]
    inits = jax.tree_util.tree_map(lambda a: np.stack([np.asarray(a)] * len(others)), init)
    batch = jax.tree_util.tree_map(lambda *a: np.stack(a), *others)
    case = Case.of(init=init, xs=xs)
    mapped = _run(name, "vmap", case, lambda: jax.vmap(f)(inits, batch))
    for i, one in enumerate(others):
        alone = _run(name, "vmap", Case.of(init=init, xs=one), lambda one=one: f(init, one))
        row = jax.tree_util.tree_map(lambda a, i=i: a[i], mapped)
        _compare(name, "vmap", Case.of(init=init, xs=one), alone, row, allowance, TRANSFORM_FACTOR,
                 f"f on input {i} alone", f"row {i} of jax.vmap(f)",
                 "Results that change under vmap usually come from reducing over the wrong axis.")
