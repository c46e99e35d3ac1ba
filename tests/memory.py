"""How much a row's result on an input still depends on the loop's first step: the result on
the input and on the same input one step shorter (the first step dropped: the first batch,
input or element, or one layer, iteration or step fewer), measured on the float64 oracle, in
units of the value allowance (scanprops/tolerance.py). docs/domains.md states what the
memory-keeping draws guarantee; tests/test_domains.py checks it."""
from __future__ import annotations

import numpy as np

from scanprops import expect
from scanprops.cases import Case
from scanprops.problem import Problem

# what "one step shorter" is for each loop row
_DATA_LOOPS = {  # rows whose loop runs over the leading axis of an argument: drop its first entry
    "scan_training_step": ("x_batches", "y_batches"),
    "scan_collect_losses": ("x_batches", "y_batches"),
    "scan_rnn_forward": ("x",),
    "running_sum": ("xs",),
    "custom_cumsum": ("xs",),
    "ema": ("xs",),
    "rnn_forward": ("xs",),
}
_COUNT_LOOPS = {"lax_scan_in_module": "T", "apply_shared_layers": "num_layers", "newton_iteration": "n_iter",
                "find_root": "max_iter"}  # rows whose loop runs a count: one fewer


def shorter(problem: Problem, case: Case) -> Case:
    if problem.name in _DATA_LOOPS:
        return case.replace(**{k: case[k][1:] for k in _DATA_LOOPS[problem.name]})
    name = _COUNT_LOOPS[problem.name]
    return case.replace(**{name: case[name] - 1})


def last(problem: Problem, value) -> np.ndarray:
    """The part of the result the whole loop reaches: the final state (the last row of the
    RNN's hidden states, final_w of the collector; the rest is the result itself)."""
    value = np.asarray(value[0] if isinstance(value, tuple) else value)
    if problem.name == "rnn_forward":
        return value[-1]
    if problem.name == "scan_collect_losses":
        return value[0]
    if problem.name in ("running_sum", "custom_cumsum", "ema"):
        return value[-1]
    return value


def sensitivity(problem: Problem, case: Case) -> float:
    """max |result - result one step shorter| over the final state, divided by the largest
    allowance of that state (the allowance at the full length)."""
    full, short = expect.value(problem, case), expect.value(problem, shorter(problem, case))
    allowance = np.broadcast_to(problem.allowance(case).atol(),
                                np.shape(np.asarray(full[0] if isinstance(full, tuple) else full)))
    diff = float(np.max(np.abs(last(problem, full) - last(problem, short))))
    return diff / float(np.max(last(problem, allowance)))


LOOP_ROWS = tuple(_DATA_LOOPS) + tuple(_COUNT_LOOPS)
