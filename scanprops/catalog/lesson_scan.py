"""Catalog rows of seed 004's scan section: running_sum, custom_cumsum, ema, rnn_forward,
apply_shared_layers."""
from __future__ import annotations

import dataclasses

import numpy as np

from scanprops.cases import Case, describe
from scanprops.oracles import lesson_scan as oracles
from scanprops.problem import Out, Pitfall, Problem, as64
from scanprops.steps import StepAxis
from scanprops.strategies import lesson_scan as inputs
from scanprops.strategies.forms import with_call_forms
from scanprops.tolerance import U32, Allowance, growth

TANH_OPS = 2  # rounding operations counted for one float32 tanh (as `activation` does)
EMA_OPS = 3  # an EMA step: two products and a sum (or a difference, a product and a sum)


# --- magnitudes the float32 rounding acts on (see scanprops/tolerance.py) --------------------
def _sum_allowance(case: Case) -> Allowance:
    """One addition per step; out[i]'s operands are partial sums, at most sum(|xs[:i+1]|)."""
    xs = np.abs(as64(case["xs"]))
    # a scalar for N = 0: there is no element to bound, and an empty scale has no maximum
    return Allowance(steps=len(xs), width=1, scale=np.cumsum(xs) if len(xs) else 0.0)


def _ema_allowance(case: Case) -> Allowance:
    """A running error bound along the oracle's trajectory. Each step (out[0] too: a correct
    scan may blend xs[0] with itself, alpha xs[0] + (1 - alpha) xs[0]) rounds a few operations
    whose operands are at most |xs[i]|, |out[i-1]| and |out[i]|
    (whichever correct form: alpha x + (1 - alpha) prev, or prev + alpha (x - prev), whose
    x - prev rounds at the size of prev), and multiplies the error it inherits by (1 - alpha)
    in [0, 1]. So an early large value's rounding fades as the average forgets it, instead of
    setting the scale for the rest of the sequence. `scale` (the running max of |xs|) is what
    the gradient's allowance uses."""
    xs = as64(case["xs"])
    alpha = float(case["alpha"])
    out = oracles.ema(np, xs, alpha)
    err, bound = 0.0, []
    for i, x in enumerate(xs):
        prev = out[i - 1] if i else x  # a scan may also start from xs[0] and blend it with itself
        err = (1.0 - alpha) * err + growth(EMA_OPS) * U32 * (abs(x) + abs(prev) + abs(out[i]))
        bound.append(err)
    return Allowance(steps=len(xs), width=2, scale=np.maximum.accumulate(np.abs(xs)), running=np.asarray(bound))


def _rnn_allowance(case: Case) -> Allowance:
    """Each step sums H + D products and the bias. `scale` is the largest sum of their
    magnitudes over the steps (float64 trajectory); the value bound is a running error bound
    along that trajectory, per step and unit: a step adds its sum's rounding,
    growth(H + D + 1) * u * (|W_h| |h| + |W_x| |x| + |b|), to what |W_h| carries over from the
    previous step, tanh multiplies both by its slope 1 - h**2 (near 0 where it saturates) and
    adds its own rounding, growth(2) * u * |h| (tanh counted as 2 operations, as for the
    `activation` row; measured: XLA's float32 tanh is within 3.4 ulps near saturation). The
    strategy's W_h (row sums <= 1) keeps that from growing."""
    params, h0, xs = as64(case["params"]), as64(case["h0"]), as64(case["xs"])
    _, hs = oracles.rnn_preactivations(np, params, h0, xs)
    W_h, W_x, b = (np.abs(params[k]) for k in ("W_h", "W_x", "b"))
    t, d = xs.shape
    width = h0.shape[0] + d + 1
    sums = [W_h @ np.abs(h) + W_x @ np.abs(x) + b for h, x in zip([h0] + hs, xs)]
    scale = max((float(np.max(s)) for s in sums), default=0.0)
    err, bound = np.zeros_like(h0), []
    for s, h in zip(sums, hs):
        err = (1.0 - h**2) * (growth(width) * U32 * s + W_h @ err) + growth(TANH_OPS) * U32 * np.abs(h)
        bound.append(err)
    running = np.stack(bound) if bound else np.zeros((0, h0.shape[0]))
    return Allowance(steps=t + 1, width=width, scale=scale, running=running)


# --- known pitfalls, each recognised by a mistaken oracle -------------------------------------
_SUM_PITFALLS = (
    Pitfall("exclusive cumsum",
            "out[i] is the sum of xs[:i], without xs[i]: the step emitted the carry from before the "
            "addition. Emit the new carry: `return new_carry, new_carry`.",
            lambda xp, xs: oracles.cumulative_sum(xp, xs, exclusive=True)),
    Pitfall("reversed scan",
            "out[i] is the sum of xs[i:], not of xs[:i+1]: the scan ran last to first "
            "(reverse=True, or flipped xs).",
            lambda xp, xs: oracles.cumulative_sum(xp, xs, reverse=True)),
)

_EMA_PITFALLS = (
    Pitfall("swapped EMA coefficients",
            "alpha weights the new value and (1 - alpha) the previous average: "
            "`alpha * x + (1 - alpha) * prev`; the two were swapped.",
            lambda xp, xs, alpha: oracles.ema(xp, xs, alpha, swapped=True)),
    Pitfall("EMA started from 0",
            "out[0] must be xs[0]. Start the carry at xs[0] and scan over xs[1:]; a carry of 0.0 "
            "gives out[0] = alpha * xs[0].",
            lambda xp, xs, alpha: oracles.ema(xp, xs, alpha, start_from_zero=True)),
)

_RNN_PITFALLS = (
    Pitfall("hidden state never carried",
            "every step started from h0 instead of the previous step's h: return the new hidden "
            "state as the carry (`return h_new, h_new`).",
            lambda xp, params, h0, xs: oracles.rnn_forward(xp, params, h0, xs, carry_updated=False)),
    Pitfall("transposed recurrent weight",
            "the recurrence used h @ W_h, which is W_h.T @ h: the row computes W_h @ h.",
            lambda xp, params, h0, xs: oracles.rnn_forward(xp, params, h0, xs, transposed_recurrence=True)),
)

_SHARED_LAYERS_PITFALLS = (
    Pitfall("one layer short",
            "the result is num_layers - 1 layers deep: the input is not a layer; run the scan "
            "with length=num_layers.",
            lambda xp, params, x, n: oracles.apply_shared_layers(xp, params, x, max(n - 1, 0))),
    Pitfall("one layer too many",
            "the result is num_layers + 1 layers deep: the scan's length already counts every layer.",
            lambda xp, params, x, n: oracles.apply_shared_layers(xp, params, x, n + 1)),
    Pitfall("transposed weight",
            "the layer used w @ x (= x @ w.T): the row computes x @ w.",
            lambda xp, params, x, n: oracles.apply_shared_layers(xp, params, x, n, transposed=True)),
)


# --- what each step computed from, for the first divergence (scanprops/steps.py) -------------
def _previous(expected: np.ndarray, i: int, name: str, first: str) -> str:
    return f"{name}[{i - 1}] = {describe(expected[i - 1])} (oracle)" if i else first


def _sum_step(case: Case, i: int, expected: np.ndarray) -> str:
    return (f"xs[{i}] = {describe(case['xs'][i])} added to "
            + _previous(expected, i, "out", "nothing (the first sum is xs[0] itself)"))


def _ema_step(case: Case, i: int, expected: np.ndarray) -> str:
    if i == 0:
        return f"out[0] = xs[0] = {describe(case['xs'][0])}"
    return (f"alpha * xs[{i}] + (1 - alpha) * out[{i - 1}] with alpha = {describe(case['alpha'])}, "
            f"xs[{i}] = {describe(case['xs'][i])}, " + _previous(expected, i, "out", ""))


def _rnn_step(case: Case, i: int, expected: np.ndarray) -> str:
    previous = _previous(expected, i, "hs", f"h0 = {describe(case['h0'])}")
    return f"tanh(W_h @ h + W_x @ xs[{i}] + b) with xs[{i}] = {describe(case['xs'][i])} and h = {previous}"


_RUNNING_SUM = Problem(
    name="running_sum",
    seed="004",
    signature="running_sum(xs)",
    oracle=oracles.cumulative_sum,
    cases=inputs.sum_cases,
    edge_cases=inputs.sum_edge_cases(),
    large=inputs.sum_large_case,
    out=lambda case: Out(case["xs"].shape),
    allowance=_sum_allowance,
    differentiable=("xs",),
    loop_length="N",
    pitfalls=_SUM_PITFALLS,
    steps=StepAxis("out", "the sum through xs[{i}]", _sum_step),
)

ROWS: tuple[Problem, ...] = (
    _RUNNING_SUM,
    # The lesson writes the same inclusive cumulative sum twice, under two names.
    dataclasses.replace(_RUNNING_SUM, name="custom_cumsum", signature="custom_cumsum(xs)"),
    with_call_forms(Problem(
        name="ema",
        seed="004",
        signature="ema(xs, alpha=0.1)",
        oracle=oracles.ema,
        cases=inputs.ema_cases,
        edge_cases=inputs.ema_edge_cases(),
        large=inputs.ema_large_case,
        out=lambda case: Out(case["xs"].shape),
        allowance=_ema_allowance,
        differentiable=("xs", "alpha"),
        loop_length="N",
        pitfalls=_EMA_PITFALLS,
        steps=StepAxis("out", "the average through xs[{i}]", _ema_step),
    )),
    Problem(
        name="rnn_forward",
        seed="004",
        signature="rnn_forward(params, h0, xs)",
        oracle=oracles.rnn_forward,
        cases=inputs.rnn_cases,
        edge_cases=inputs.rnn_edge_cases(),
        large=inputs.rnn_large_case,
        out=lambda case: Out((case["xs"].shape[0], case["h0"].shape[0])),
        allowance=_rnn_allowance,
        differentiable=("params", "h0", "xs"),
        loop_length="T",
        pitfalls=_RNN_PITFALLS,
        steps=StepAxis("hs", "the hidden state after xs[{i}]", _rnn_step),
    ),
    Problem(
        name="apply_shared_layers",
        seed="004",
        signature="apply_shared_layers(params, x, num_layers)",
        oracle=oracles.apply_shared_layers,
        cases=inputs.shared_layers_cases,
        edge_cases=inputs.shared_layers_edge_cases(),
        large=inputs.shared_layers_large_case,
        out=lambda case: Out(case["x"].shape),
        allowance=inputs.shared_layers_allowance,
        static=("num_layers",),
        differentiable=("params", "x"),
        loop_length="num_layers",
        pitfalls=_SHARED_LAYERS_PITFALLS,
    ),
)
