"""The plumbing every property family shares: running a check on explicit and drawn inputs,
calling code under test through the seam, and the hints that name a likely cause.

A family (props/families.py, props/termination.py) is a check of one input plus a strategy;
everything here is the same for all of them.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np
from hypothesis import example, given, settings
from hypothesis.errors import Flaky

from scanprops import expect
from scanprops.call import SubmissionError
from scanprops.cases import KEYWORD, Case, literal
from scanprops.failure import PropertyFailure, plain
from scanprops.problem import Problem
from scanprops.seam import Grad, ImplFailure, Jaxpr, Jit, OnDevice, Plain, Seam, Single, Vmap
from scanprops.tolerance import within


def hypothesis_check(strategy, check: Callable, examples=(), max_examples: int | None = None,
                     phases=None) -> None:
    """Run `check` on every explicit example, then on what Hypothesis draws (current profile,
    or at most `max_examples` drawn inputs when given)."""

    @given(strategy)
    def prop(drawn):
        try:
            check(drawn)
        except SubmissionError as exc:  # the run or the submission, not this input: stop at once
            raise _Stop(exc) from None

    for ex in reversed(examples):  # decorators apply bottom-up: keep the listed order
        prop = example(ex)(prop)
    current = settings()
    if max_examples is not None:
        current = settings(current, max_examples=min(max_examples, current.max_examples))
    if phases is not None:
        current = settings(current, phases=phases)
    try:
        current(prop)()
    except _Stop as stop:
        raise stop.error from None
    except Flaky as exc:
        raise _not_reproduced(exc) from None


class _Stop(BaseException):
    """Carries a SubmissionError (a spent time budget, tampering) out of Hypothesis, which would
    otherwise take it for a failing input and replay it, to meet it again elsewhere and report
    "inconsistent results" (a BaseException is not caught by Hypothesis as a test failure)."""

    def __init__(self, error: SubmissionError):
        super().__init__(str(error))
        self.error = error


def _not_reproduced(exc: Exception) -> Exception:
    """A failure that did not happen again when Hypothesis replayed the same input: the first
    failure, saying so (its verdict stays `fail`: a result must be a function of the input)."""
    inner = list(getattr(exc, "exceptions", ()) or ([exc.__cause__] if exc.__cause__ else []))
    first = next((e for e in inner if isinstance(e, (PropertyFailure, SubmissionError))), None)
    if isinstance(first, SubmissionError):
        return first
    note = ("  note:      the same input, run again, did not fail this way: the result is not a function "
            "of the input (random numbers, global state, the time, or a call near its deadline)")
    if isinstance(first, PropertyFailure):
        return first.noted(note)
    return AssertionError(f"{exc}\n{note}")


def call(seam: Seam, problem: Problem, family: str, case: Case, how=Plain()):
    """Call through the seam; an exception in the code under test fails the property."""
    try:
        return seam.run(problem, case, how)
    except ImplFailure as exc:
        what = {
            Plain: "the function did not return a result",
            Jit: "the function fails under jax.jit",
            Single: "the function did not return a result",
            Vmap: "the function fails under jax.vmap",
            Grad: "jax.grad of the function fails",
            OnDevice: "the function fails with inputs committed to a device",
            Jaxpr: "the function cannot be compiled as one program (jax.jit)",
        }[type(how)]
        hint = {
            Jit: "A jit failure that plain calls do not show usually means Python control flow or "
            "float()/int()/.item()/np.asarray on a traced value; use lax.cond/jnp.where instead.",
            Jaxpr: "Compiling fails when the code converts a traced value to a Python number or NumPy array, "
            "or calls back into Python (pure_callback, io_callback, jax.debug.print).",
            Grad: "A grad failure usually means a non-differentiable step (an integer cast, "
            "np.asarray, or a custom loop that JAX cannot reverse).",
        }.get(type(how), "")
        if problem.defaults and _SIGNATURE_ERROR.search(exc.summary):
            hint = form_hint(problem, case)
        raise plain(problem.name, family, case, what, f"  raised:    {exc.summary}",
                    f"  where:\n{exc.detail}" if exc.detail else "", f"  hint:      {hint}" if hint else "",
                    how=how) from None


# Python's own words when a call does not fit a signature: "ema() missing 1 required positional
# argument", "takes 1 positional argument but 2 were given", "got an unexpected keyword argument",
# "got some positional-only arguments passed as keyword arguments", "got multiple values".
_SIGNATURE_ERROR = re.compile(r"TypeError: \w+\(\) (missing|takes|got) ")


def form_hint(problem: Problem, case: Case) -> str:
    """What a call form asks of the signature (rows whose contract has defaults)."""
    passed = case.form_text() or "every argument positionally"
    return (f"the call's form: {passed}. The contract's signature is {problem.signature}: an argument "
            "with a default must be accepted positionally and by keyword, and may be left out (then "
            "the contract's default applies). A keyword-only (*) or positional-only (/) parameter, "
            "another name, or a missing default breaks some caller.")


def _right(seam: Seam, problem: Problem, case: Case, atol) -> bool:
    """The call gives the oracle's result (a call that raises or has another shape does not)."""
    try:
        got = leaves(defined(problem, seam.run(problem, case).value))
    except ImplFailure:
        return False
    want = leaves(defined(problem, expect.value(problem, case)))
    return len(got) == len(want) and all(np.shape(g) == np.shape(w) and within(g, w, atol) for g, w in zip(got, want))


def form_blame(seam: Seam, problem: Problem, case: Case, atol) -> str:
    """A hint when the call's form is what goes wrong: the same input, with an omitted argument
    passed explicitly (or every argument positionally), gives the oracle's result. '' when the
    call is all positional or no such call is right. Only asked after a failure."""
    if not case.form_text():
        return ""
    omitted = case.omitted()
    hows = dict(zip(case.names, case.form))
    culprits = [k for k in omitted if _right(seam, problem, case.called(**{**hows, k: KEYWORD}), atol)]
    if not culprits and omitted and _right(seam, problem, case.called(), atol):
        culprits = list(omitted)
    if culprits:
        named = " and ".join(culprits)
        defaults = ", ".join(f"{k}={literal(case[k])}" for k in culprits)
        return (f"the same call with {named} passed explicitly gives the oracle's result, so the function's "
                f"own default for {named} is not the contract's ({defaults}: {problem.signature}).")
    if not omitted and _right(seam, problem, case.called(), atol):
        return (f"the same input passed positionally gives the oracle's result: passing {case.form_text()} "
                f"changes what the function computes (the contract's signature is {problem.signature}).")
    return ""


def leaves(value) -> list[np.ndarray]:
    return list(value) if isinstance(value, tuple) else [value]


def defined(problem: Problem, value):
    """The outputs the oracle defines: all, unless the row names some (`oracle_leaves`)."""
    if problem.oracle_leaves is None:
        return value
    picked = tuple(leaves(value)[i] for i in problem.oracle_leaves)
    return picked[0] if len(picked) == 1 else picked


def named_leaves(name: str, tree) -> list[tuple[str, np.ndarray]]:
    """The arrays of a pytree argument, named as a learner would index them: params['W_h']."""
    import jax

    flat, _ = jax.tree_util.tree_flatten_with_path(tree)
    return [(name + jax.tree_util.keystr(path), np.asarray(leaf)) for path, leaf in flat]


def require_same_shapes(problem: Problem, family: str, case: Case, expected, actual) -> None:
    exp, act = leaves(expected), leaves(actual)
    if len(exp) != len(act) or any(np.shape(e) != np.shape(a) for e, a in zip(exp, act)):
        raise plain(problem.name, family, case, "the result has the wrong shape, so values cannot be compared",
                    f"  expected:  shape {[np.shape(e) for e in exp]}",
                    f"  got:       shape {[np.shape(a) for a in act]}   (the `shape` property says more)")


def pitfall_hint(problem: Problem, case: Case, actual, expected, atol) -> str:
    """The advice of the first known pitfall whose mistaken oracle matches what came back."""
    for pitfall in problem.pitfalls:
        try:
            wrong = expect.value(problem, case, oracle=pitfall.oracle)
        except Exception:  # a pitfall oracle that does not apply to this input
            continue
        if all(within(a, w, atol) for a, w in zip(leaves(actual), leaves(wrong))) and not all(
            within(e, w, atol) for e, w in zip(leaves(expected), leaves(wrong))
        ):
            return f"this matches a known pitfall, {pitfall.name}: {pitfall.advice}"
    return ""
