"""Catalog rows of seeds 000 and 001: SGD on sum((w*x - y)**2) with lax.scan."""
from __future__ import annotations

import numpy as np

from scanprops.cases import Case, describe
from scanprops.oracles import sgd as oracles
from scanprops.problem import Out, Pitfall, Problem
from scanprops.steps import StepAxis
from scanprops.strategies import trainers
from scanprops.tolerance import Allowance


# --- magnitudes the float32 rounding acts on (see scanprops/tolerance.py) --------------------
def _sgd_scales(case: Case) -> tuple[float, list[float]]:
    """Largest |w|-sized operand over the run, and each loss's operand size."""
    w = abs(float(case["w"]))
    lr = float(case["lr"])
    w_scale, loss_scales = w, []
    traj_w, _ = float(case["w"]), None
    for x, y in zip(np.asarray(case["x_batches"], np.float64), np.asarray(case["y_batches"], np.float64)):
        ax, ay = np.abs(x), np.abs(y)
        step = lr * 2.0 * float(np.sum(ax * (abs(traj_w) * ax + ay)))  # |lr * grad| before cancellation
        loss_scales.append(float(np.sum((abs(traj_w) * ax + ay) ** 2)) + step * float(np.sum(ax)) * 4.0)
        traj_w = oracles.scan_training_step(np, traj_w, lr, x[None], y[None])
        w_scale = max(w_scale, abs(traj_w), step)
    return w_scale, loss_scales


def _sgd_allowance(case: Case) -> Allowance:
    n, b = case["x_batches"].shape
    return Allowance(steps=n + 1, width=b + 2, scale=_sgd_scales(case)[0])


def _collector_allowance(case: Case) -> Allowance:
    n, b = case["x_batches"].shape
    w_scale, loss_scales = _sgd_scales(case)
    return Allowance(steps=n + 1, width=b + 2, scale=np.array([w_scale] + [max(s, w_scale) for s in loss_scales]))


def _sgd_pitfalls(oracle) -> tuple[Pitfall, ...]:
    return (
        Pitfall("hard-coded learning rate",
                "The result matches lr = 0.1 whatever lr was passed: use the `lr` argument in the step.",
                lambda xp, w, lr, xb, yb: oracle(xp, w, lr, xb, yb, lr_used=0.1)),
        Pitfall("hard-coded learning rate",
                "The result matches lr = 0.01 whatever lr was passed: use the `lr` argument in the step.",
                lambda xp, w, lr, xb, yb: oracle(xp, w, lr, xb, yb, lr_used=0.01)),
        Pitfall("ignored w0",
                "The result matches starting from w = 0: pass the argument `w` as the scan's initial carry.",
                lambda xp, w, lr, xb, yb: oracle(xp, w * 0.0, lr, xb, yb)),
        Pitfall("reversed scan",
                "The result matches visiting the batches last to first (reverse=True or flipped xs).",
                lambda xp, w, lr, xb, yb: oracle(xp, w, lr, xb, yb, reverse=True)),
        Pitfall("gradient of the mean, not the sum",
                "The step matches the gradient of mean((w*x-y)**2): the loss is a sum over the batch.",
                lambda xp, w, lr, xb, yb: oracle(xp, w, lr, xb, yb,
                                                 grad_scale=2.0 / max(len(xb[0]) if len(xb) else 1, 1))),
        Pitfall("gradient missing its factor 2",
                "d/dw sum((w*x-y)**2) = 2*sum(x*(w*x-y)); the step used half of it.",
                lambda xp, w, lr, xb, yb: oracle(xp, w, lr, xb, yb, grad_scale=1.0)),
        Pitfall("gradient ascent",
                "The weight moved up the gradient: the update is w - lr * grad, not w + lr * grad.",
                lambda xp, w, lr, xb, yb: oracle(xp, w, lr, xb, yb, sign=1.0)),
    )


def _loss_step(case: Case, i: int, expected: np.ndarray) -> str:
    """Step i's loss: at the weight before step i (the oracle's), on batch i."""
    xb, yb = case["x_batches"], case["y_batches"]
    w = oracles.scan_training_step(np, float(case["w"]), float(case["lr"]), np.asarray(xb[:i], np.float64),
                                   np.asarray(yb[:i], np.float64))
    return (f"sum((w * x_batches[{i}] - y_batches[{i}])**2) at the weight before step {i}, w = {float(w):.7g} "
            f"(oracle), x_batches[{i}] = {describe(xb[i])}, y_batches[{i}] = {describe(yb[i])}")


ROWS: tuple[Problem, ...] = (
    Problem(
        name="scan_training_step",
        seed="001",
        signature="scan_training_step(w, lr, x_batches, y_batches)",
        oracle=oracles.scan_training_step,
        cases=trainers.sgd_cases,
        edge_cases=trainers.sgd_edge_cases(),
        large=trainers.sgd_large_case,
        out=lambda case: Out(()),
        allowance=_sgd_allowance,
        differentiable=("w", "lr", "x_batches", "y_batches"),
        loop_length="N",
        pitfalls=_sgd_pitfalls(oracles.scan_training_step),
    ),
    Problem(
        name="scan_collect_losses",
        seed="000",
        signature="scan_collect_losses(w, lr, x_batches, y_batches)",
        oracle=oracles.scan_collect_losses,
        cases=trainers.sgd_cases,
        edge_cases=trainers.sgd_edge_cases(),
        large=trainers.sgd_large_case,
        out=lambda case: Out((case["x_batches"].shape[0] + 1,)),
        allowance=_collector_allowance,
        differentiable=("w", "lr", "x_batches", "y_batches"),
        loop_length="N",
        losses=slice(1, None),
        steps=StepAxis("losses", "the loss at the weight before step {i}", _loss_step, part=slice(1, None)),
        pitfalls=(
            Pitfall("post-update loss",
                    "losses[i] was computed with the weight after step i. Compute the loss from the "
                    "carry w before you update it, and emit that as the step's output.",
                    lambda xp, w, lr, xb, yb: oracles.scan_collect_losses(xp, w, lr, xb, yb, post_update_loss=True)),
        ) + _sgd_pitfalls(oracles.scan_collect_losses),
    ),
)
