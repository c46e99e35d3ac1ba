"""Catalog rows of seeds 002 and 003: lax.scan inside a Flax module, nn.scan over a GRU cell."""
from __future__ import annotations

import numpy as np

from scanprops.cases import Case
from scanprops.oracles import flax_seeds as oracles
from scanprops.problem import Out, Pitfall, Problem
from scanprops.strategies import flax_rows
from scanprops.tolerance import Allowance


# --- magnitudes the float32 rounding acts on (see scanprops/tolerance.py) --------------------
# Neither recurrence is guaranteed to contract: lecun_normal W has a spectral radius near 1 and
# row sums near 2, so an early rounding error can grow on its way to the output. Each step's
# own rounding (`width` terms of at most `m_k`) is therefore weighted by how much the later
# steps amplify it, the infinity norm of the product of their Jacobians (float64, on the
# oracle's trajectory, with the oracle's Flax-initialised parameters).
def _amplified(local: list[float], jacobians: list[np.ndarray], size: int) -> float:
    """max_k local[k] * ||J_last ... J_{k+1}||_inf: the `scale` that bounds the sum of every
    step's rounding after propagation to the output."""
    later, worst = np.eye(size), 0.0
    for k in reversed(range(len(local))):
        worst = max(worst, local[k] * float(np.abs(later).sum(axis=1).max(initial=0.0)))
        later = later @ jacobians[k]
    return worst


def _module_allowance(case: Case) -> Allowance:
    """T + 1 applications of tanh(h @ W), each a sum of H products."""
    hidden, steps = case["hidden"], case["T"]
    W = oracles.module_weight(case["seed"], hidden)
    h = np.asarray(case["x"], np.float64)
    local, jacobians = [], []
    for _ in range(steps + 1):
        new = np.tanh(h @ W)
        local.append(max(float(np.max(np.abs(h[:, None] * W))), float(np.max(np.abs(new)))))
        jacobians.append((1.0 - new**2)[:, None] * W.T)  # d new_j / d h_i = (1 - new_j^2) W_ij
        h = new
    return Allowance(steps=steps + 1, width=hidden + 1, scale=_amplified(local, jacobians, hidden))


def gru_step_jacobian(p, h: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(new h, d new h / d h, largest operand of the step's sums) for Flax's GRU step."""

    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))

    def terms(name, v):  # every product the dense's sum adds, and its bias
        return np.abs(v[:, None] * p[name]["kernel"]).max(initial=0.0), np.abs(p[name].get("bias", 0.0)).max()

    r = sigmoid(x @ p["ir"]["kernel"] + p["ir"]["bias"] + h @ p["hr"]["kernel"])
    z = sigmoid(x @ p["iz"]["kernel"] + p["iz"]["bias"] + h @ p["hz"]["kernel"])
    g = h @ p["hn"]["kernel"] + p["hn"]["bias"]
    n = np.tanh(x @ p["in"]["kernel"] + p["in"]["bias"] + r * g)
    new = (1.0 - z) * n + z * h
    dr = (r * (1.0 - r))[:, None] * p["hr"]["kernel"].T
    dz = (z * (1.0 - z))[:, None] * p["hz"]["kernel"].T
    dn = (1.0 - n**2)[:, None] * (g[:, None] * dr + r[:, None] * p["hn"]["kernel"].T)
    jac = (1.0 - z)[:, None] * dn + (h - n)[:, None] * dz + np.diag(z)
    ops = [*terms("ir", x), *terms("iz", x), *terms("in", x), *terms("hr", h), *terms("hz", h),
           *terms("hn", h), np.abs(g).max(), np.abs(n).max(), np.abs(h).max(initial=0.0)]
    return new, jac, float(max(ops))


def _gru_allowance(case: Case) -> Allowance:
    """T steps from the zero carry, each summing D input products, H hidden ones and a bias."""
    x = np.asarray(case["x"], np.float64)
    steps, features = x.shape
    hidden = case["hidden"]
    p = oracles.gru_params(case["seed"], hidden, features)
    h = np.zeros(hidden)
    local, jacobians = [], []
    for t in range(steps):
        h, jac, operands = gru_step_jacobian(p, h, x[t])
        local.append(operands)
        jacobians.append(jac)
    return Allowance(steps=steps + 1, width=hidden + features + 2, scale=_amplified(local, jacobians, hidden))


# --- known pitfalls, recognised by what they compute -------------------------------------------
def _module_pitfalls() -> tuple[Pitfall, ...]:
    f = oracles.lax_scan_in_module
    return (
        Pitfall("one application too few",
                "The result is tanh(. @ W) applied T times; it must be applied T + 1 times: once for "
                "init_carry = tanh(x @ W), then T steps of the scan (over jnp.arange(T), not T - 1). "
                "Did the scan start from x?",
                lambda xp, seed, x, hidden, T: f(xp, seed, x, hidden, T, applications=T)),
        Pitfall("one step too many",
                "The result is tanh(. @ W) applied T + 2 times: init_carry = tanh(x @ W), then exactly "
                "T scan steps.",
                lambda xp, seed, x, hidden, T: f(xp, seed, x, hidden, T, applications=T + 2)),
        Pitfall("initial carry ignores x",
                "The result matches starting from zeros (which tanh(. @ W) never leaves): the "
                "first carry is tanh(x @ W).",
                lambda xp, seed, x, hidden, T: f(xp, seed, x * 0.0, hidden, T)),
        Pitfall("transposed W",
                "The result matches tanh(W @ h), i.e. h @ W.T: the seed multiplies a row vector "
                "from the left, h @ W (and x @ W for the initial carry).",
                lambda xp, seed, x, hidden, T: f(xp, seed, x, hidden, T, transposed=True)),
    )


def _gru_pitfalls() -> tuple[Pitfall, ...]:
    final = oracles.gru_final_carry

    def shared(seed, x, hidden):
        p = oracles.gru_params(seed, hidden, x.shape[1])
        return lambda t: p

    def one_set_per_step(split):
        def oracle(xp, seed, x, hidden):
            tree = oracles.gru_per_step_params(seed, hidden, x.shape[1], x.shape[0], split)
            return final(xp, lambda t: oracles.per_step(tree, t), x, hidden)
        return oracle

    def wrapped(xp, seed, x, hidden):
        p = oracles.gru_rnn_wrapper_params(seed, hidden, x.shape[1])
        return final(xp, lambda t: p, x, hidden)

    def time_axis_swapped(xp, seed, x, hidden):
        x_t = x.T  # scanning over D, each step a (T,) slice: the cell's input width becomes T
        return final(xp, shared(seed, x_t, hidden), x_t, hidden)

    split_advice = ("The result matches a GRU with one parameter set per time step (nn.scan with "
                    "variable_axes={'params': 0}). An RNN shares one cell across time: use "
                    "variable_broadcast='params' and split_rngs={'params': False}.")
    return (
        Pitfall("split params", split_advice, one_set_per_step(split=True)),
        Pitfall("split params", split_advice, one_set_per_step(split=False)),
        Pitfall("parameters under a submodule",
                "The result matches the cell's parameters initialised under a submodule name "
                "(nn.RNN(nn.GRUCell(H)) calls it 'cell'; so does a wrapper module's attribute), "
                "which changes their initial values. Initialise nn.scan(nn.GRUCell, ...) itself "
                "with PRNGKey(seed), as the seed does.",
                wrapped),
        Pitfall("time axis swapped",
                "The result matches scanning over the feature axis: x is (T, D) and in_axes=0 "
                "makes x[t] step t; do not transpose x or scan with in_axes=1.",
                time_axis_swapped),
        Pitfall("reversed time axis",
                "The result matches visiting x[T-1] first (reverse=True, or x[::-1]): step t reads x[t].",
                lambda xp, seed, x, hidden: final(xp, shared(seed, x, hidden), x[::-1], hidden)),
        Pitfall("one time step missing",
                "The result matches skipping x[0]: every row of x is one step, and the init "
                "call's dry run is not a step of the forward pass.",
                lambda xp, seed, x, hidden: final(xp, shared(seed, x, hidden), x[1:], hidden)),
        Pitfall("one time step missing",
                "The result matches stopping before x[T-1]: the scan must run over all T rows of x.",
                lambda xp, seed, x, hidden: final(xp, shared(seed, x, hidden), x[:-1], hidden)),
    )


ROWS: tuple[Problem, ...] = (
    Problem(
        name="lax_scan_in_module",
        seed="002",
        signature="lax_scan_in_module(seed, x, hidden, T)",
        oracle=oracles.lax_scan_in_module,
        cases=flax_rows.module_cases,
        edge_cases=flax_rows.module_edge_cases(),
        large=flax_rows.module_large_case,
        out=lambda case: Out((case["hidden"],)),
        allowance=_module_allowance,
        static=("seed", "hidden", "T"),
        differentiable=("x",),
        loop_length="T",
        pitfalls=_module_pitfalls(),
    ),
    Problem(
        name="scan_rnn_forward",
        seed="003",
        signature="scan_rnn_forward(seed, x, hidden)",
        oracle=oracles.scan_rnn_forward,
        cases=flax_rows.gru_cases,
        edge_cases=flax_rows.gru_edge_cases(),
        large=flax_rows.gru_large_case,
        out=lambda case: Out((case["hidden"],)),
        allowance=_gru_allowance,
        static=("seed", "hidden"),
        differentiable=("x",),
        loop_length="T",
        pitfalls=_gru_pitfalls(),
    ),
)
