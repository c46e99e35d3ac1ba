"""An example problem pack: three scan exercises that are not in the harness's seeds.

- `prefix_max(xs)`: the running maximum, out[i] = max(xs[:i+1]), with `lax.associative_scan`
  (a parallel prefix: log-depth, no loop, so `structure` does not apply);
- `momentum_descent(w, targets, lr=0.1, beta=0.9)`: heavy-ball gradient descent on the online
  loss 0.5 * (w - targets[t])**2 with `lax.scan`, collecting (w, v) after every step, (N, 2);
- `power_iteration(A, v0, n_iter=20)`: n_iter steps of v = A v / |A v| with `lax.fori_loop`.

Run it: `scanprops check my_solutions.py --catalog examples/scan_pack` (docs/problem-packs.md).
The pack's folder is the answer key: reference.py, alt/ and wrong/ live here, and no submission
can read them. The rows are built with the public API only (scanprops.pack).
"""
from __future__ import annotations

import numpy as np

from scanprops.pack import U32, Allowance, Out, Pitfall, growth, row

from . import inputs, oracles

STEP_OPS = 4  # a momentum step: a difference, a product, a sum; w - lr * v: a product, a difference


# --- allowances (scanprops/tolerance.py has the reasoning behind the models) ------------------------
def prefix_allowance(case) -> Allowance:
    """A maximum is exact in float32: only the float32 inputs' own values can come back."""
    xs = np.abs(np.asarray(case["xs"], np.float64))
    return Allowance(steps=1, width=1, scale=np.maximum.accumulate(xs) if len(xs) else 0.0)


def momentum_allowance(case) -> Allowance:
    """A running error bound along the oracle's trajectory. Step t rounds a few operations on
    operands at most |w|, |v|, |targets[t]| and the new |w|, |v| (delta_t), and carries the error
    of the state (w, v) through the step's matrix M = [[1 - lr, -lr beta], [1, beta]]; so the
    error after step t is at most sum_k |M^(t-k)|_inf delta_k (M contracts on the strategies'
    domain: lr in [0, 1], beta in [0, 0.9])."""
    w, lr, beta = float(case["w"]), float(case["lr"]), float(case["beta"])
    targets = np.asarray(case["targets"], np.float64)
    path = np.asarray(oracles.momentum_descent(np, w, targets, lr, beta)).reshape(-1, 2)
    before = np.vstack([[w, 0.0], path[:-1]]) if len(path) else np.zeros((0, 2))
    delta = growth(STEP_OPS) * U32 * (np.abs(before).sum(axis=1) + np.abs(targets) + np.abs(path).sum(axis=1))
    m = np.array([[1.0 - lr, -lr * beta], [1.0, beta]])
    norms, power = [], np.eye(2)
    for _ in range(len(targets)):
        norms.append(np.abs(power).sum(axis=1).max())
        power = m @ power
    bound = np.convolve(norms, delta)[: len(targets)] if len(targets) else np.zeros(0)
    scale = float(max(np.abs(path).max(initial=0.0), np.abs(targets).max(initial=0.0), abs(w)))
    return Allowance(steps=len(targets) + 1, width=STEP_OPS, scale=scale,
                  running=np.repeat(bound[:, None], 2, axis=1))


def power_allowance(case) -> Allowance:
    """A running error bound (first order, in the 2-norm, so for every element): each step rounds
    the product A v (D terms of |A||v|), the norm and the division, relative to |A v|, and carries
    the error it inherits through the normalised step's Jacobian (I - w w^T) A / |A v|, whose
    norm, measured along the oracle's path, drops to the eigenvalue gap once v turns to the
    dominant eigenvector."""
    A, v = np.asarray(case["A"], np.float64), np.asarray(case["v0"], np.float64)
    d = len(v)
    err = 0.0
    for _ in range(int(case["n_iter"])):
        av = A @ v
        size = float(np.linalg.norm(av))
        w = av / size
        jacobian = (np.eye(d) - np.outer(w, w)) @ A / size
        local = growth(d + 1) * U32 * float(np.linalg.norm(np.abs(A) @ np.abs(v))) / size + growth(d + 3) * U32
        err = float(np.linalg.norm(jacobian, 2)) * err + local
        v = w
    return Allowance(steps=int(case["n_iter"]) + 1, width=d + 1, scale=1.0, running=err)


ROWS = (
    row(name="prefix_max", signature="prefix_max(xs)", oracle=oracles.prefix_max, cases=inputs.prefix_cases,
        edge_cases=inputs.prefix_edges(), large=inputs.prefix_large,
        out=lambda case: Out(case["xs"].shape), allowance=prefix_allowance, differentiable=("xs",),
        pitfalls=(
            Pitfall("exclusive prefix maximum",
                    "out[i] is the maximum of xs[:i], without xs[i]: the step emitted the carry from "
                    "before it took x in. out[i] = max(xs[:i+1]).",
                    lambda xp, xs: oracles.prefix_max(xp, xs, exclusive=True)),
            Pitfall("reversed scan",
                    "out[i] is the maximum of xs[i:], not of xs[:i+1]: the scan ran last to first "
                    "(reverse=True, or flipped xs).",
                    lambda xp, xs: oracles.prefix_max(xp, xs, reverse=True)),
        ),
        notes="Values are distinct: at a tie max(a, a) has no single gradient."),
    row(name="momentum_descent", signature="momentum_descent(w, targets, lr=0.1, beta=0.9)",
        oracle=oracles.momentum_descent, cases=inputs.momentum_cases, edge_cases=inputs.momentum_edges(),
        large=inputs.momentum_large, out=lambda case: Out((case["targets"].shape[0], 2)),
        allowance=momentum_allowance, differentiable=("w", "targets", "lr", "beta"), loop_length="N",
        pitfalls=(
            Pitfall("velocity as an average",
                    "v = beta * v + (1 - beta) * g is an exponential average of the gradients; the "
                    "heavy-ball velocity is v = beta * v + g.",
                    lambda xp, w, t, lr, beta: oracles.momentum_descent(xp, w, t, lr, beta, ema=True)),
            Pitfall("state collected before the step",
                    "row t is (w, v) after step t: emit the new carry, not the one the step started from.",
                    lambda xp, w, t, lr, beta: oracles.momentum_descent(xp, w, t, lr, beta, before=True)),
        )),
    row(name="power_iteration", signature="power_iteration(A, v0, n_iter=20)", oracle=oracles.power_iteration,
        cases=inputs.power_cases, edge_cases=inputs.power_edges(), large=inputs.power_large,
        out=lambda case: Out(case["v0"].shape), allowance=power_allowance, static=("n_iter",),
        differentiable=("A", "v0"), loop_length="n_iter",
        pitfalls=(
            Pitfall("one step too few",
                    "the result matches n_iter - 1 steps: fori_loop(0, n_iter, ...) runs the body n_iter times.",
                    lambda xp, A, v0, n: oracles.power_iteration(xp, A, v0, n, extra=-1)),
            Pitfall("one step too many",
                    "the result matches n_iter + 1 steps: fori_loop(0, n_iter, ...) runs the body n_iter times.",
                    lambda xp, A, v0, n: oracles.power_iteration(xp, A, v0, n, extra=1)),
            Pitfall("last step not normalised",
                    "the result is A v without its division by |A v|: normalise inside the body, after "
                    "the product, so that every step (the last one too) ends with a unit vector.",
                    lambda xp, A, v0, n: oracles.power_iteration(xp, A, v0, n, normalize_last=False)),
        )),
)
