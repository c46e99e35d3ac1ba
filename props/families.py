"""The property families of docs/contract.md, one function each, reading like the contract.

Each family takes a catalog row and the seam to the implementation under test, lets
Hypothesis draw inputs (the row's edge cases always run first), and raises PropertyFailure
with a learner-facing message for the smallest failing input Hypothesis can find.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from scanprops import expect
from scanprops.call import SubmissionError
from scanprops.cases import KEYWORD, Case, literal
from scanprops.failure import PropertyFailure, mismatch, plain
from scanprops.problem import Out, Problem
from scanprops.seam import Grad, ImplFailure, Jaxpr, Jit, OnDevice, Plain, Seam, Single, Vmap
from scanprops.strategies.pools import STRUCTURE_LENGTHS
from scanprops.tolerance import GRAD_FACTOR, TRANSFORM_FACTOR, Budget, grad_budget, within

VMAP_BATCH = 3
DEVICE_DRAWS = 3  # drawn inputs `devices` checks, besides the explicit ones (see `devices`)


# --- plumbing ---------------------------------------------------------------------------------
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


# --- 1. oracle equality -----------------------------------------------------------------------
def oracle(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(case: Case) -> None:
        actual = call(seam, problem, "oracle", case).value
        expected = expect.value(problem, case)
        require_same_shapes(problem, "oracle", case, expected, actual)
        budget = problem.budget(case)
        atol = budget.atol()
        got, want = defined(problem, actual), defined(problem, expected)
        if not all(within(a, e, atol) for a, e in zip(leaves(got), leaves(want))):
            hint = form_blame(seam, problem, case, atol) or pitfall_hint(problem, case, actual, expected, atol)
            raise mismatch(problem.name, "oracle", case, "the result differs from the Python-loop oracle",
                           want, got, budget, hint=hint, steps=problem.steps)

    hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


# --- 2. shape and dtype -----------------------------------------------------------------------
def shape(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(case: Case) -> None:
        actual = leaves(call(seam, problem, "shape", case).value)
        want = problem.out(case)
        want = list(want) if isinstance(want, tuple) else [want]
        got = [Out(tuple(np.shape(a)), str(np.asarray(a).dtype)) for a in actual]
        if got != want:
            hint = ""
            if any(g.dtype == "float64" for g in got):
                hint = "float64 came back: the computation left JAX (NumPy math) or cast up; stay in float32."
            elif problem.losses is not None and len(got) == 1 and got[0].shape == (want[0].shape[0] - 1,):
                hint = "one element short: was final_w left out of the concatenation?"
            elif len(want) == 1 and want[0].shape == () and got[0].shape in ((1,),):
                hint = "a (1,) array came back where a scalar () is expected."
            raise plain(problem.name, "shape", case, "wrong output shape or dtype",
                        f"  expected:  {', '.join(f'{w.dtype}{list(w.shape)}' for w in want)}",
                        f"  got:       {', '.join(f'{g.dtype}{list(g.shape)}' for g in got)}",
                        f"  hint:      {hint}" if hint else "",
                        detail={"shapes": [[list(w.shape), w.dtype] for w in want]})

    hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


# --- 3. pre-update losses ---------------------------------------------------------------------
def pre_update(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    part = problem.losses

    def check(case: Case) -> None:
        actual = call(seam, problem, "pre_update", case).value
        expected = expect.value(problem, case)
        require_same_shapes(problem, "pre_update", case, expected, actual)
        budget = problem.budget(case)
        atol = np.broadcast_to(budget.atol(), expected.shape)[part]
        if not within(actual[part], expected[part], atol):
            sub = Budget(budget.steps, budget.width, np.broadcast_to(budget.scale, expected.shape)[part])
            raise mismatch(problem.name, "pre_update", case,
                           "losses[i] is not the loss at the weight before step i",
                           expected[part], actual[part], sub, expected_label="pre-update losses, float64 oracle",
                           hint=pitfall_hint(problem, case, actual, expected,
                                             np.broadcast_to(budget.atol(), expected.shape)),
                           steps=problem.steps and problem.steps.cut())

    hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


# --- 4a. jit invariance -----------------------------------------------------------------------
@st.composite
def _with_witness(draw, problem: Problem):
    """A drawn input and, for one in three (the program is the same for every input of a
    signature, so a few witnesses suffice, and each costs a plain call), a witness: another
    input of the same signature."""
    case = draw(problem.cases())
    return case, (draw(problem.cases(like=case)) if draw(st.integers(0, 2)) == 2 else None)


def jit(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def compare(case: Case, eager, jitted) -> None:
        require_same_shapes(problem, "jit", case, eager, jitted)
        budget = problem.budget(case)
        if not all(within(j, e, budget.atol(TRANSFORM_FACTOR)) for j, e in zip(leaves(jitted), leaves(eager))):
            raise mismatch(problem.name, "jit", case, "jax.jit(f) gives another result than f",
                           leaves(eager)[0], leaves(jitted)[0], budget, TRANSFORM_FACTOR,
                           expected_label="f called without jit", actual_label="jax.jit(f)",
                           hint="Results that change under jit usually come from Python side effects or "
                           "state captured at trace time (a global counter, a cached value).",
                           steps=problem.steps, how=Jit())

    def check(pair: tuple[Case, Case | None]) -> None:
        case, witness = pair
        compare(case, call(seam, problem, "jit", case).value, call(seam, problem, "jit", case, Jit()).value)
        # jax.jit(f) is the program the submission's process exported from the inputs' shapes, run
        # elsewhere, once per signature; it saw `case` in the plain call, so the program is also run
        # on a witness of the same signature first, and only then is f called on it (a program
        # cannot hold the answer for an input its process had not seen when it was exported).
        if witness is not None:
            jitted = call(seam, problem, "jit", witness, Jit()).value
            compare(witness, call(seam, problem, "jit", witness).value, jitted)

    hypothesis_check(_with_witness(problem), check, [(e, None) for e in problem.examples()], max_examples=max_examples)


# --- 4b. grad matches the oracle's grad -------------------------------------------------------
def grad(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(case: Case) -> None:
        out = problem.out(case)
        cot = expect.cotangent_for(out.shape)
        budget = problem.budget(case)
        wrt = tuple(w for w in problem.differentiable if w not in case.omitted())  # an omitted one is a constant
        actual = call(seam, problem, "grad", case, Grad(wrt, cot)).value
        expected = expect.grad(problem, case, wrt, cot)
        for i, (arg, act_tree, exp_tree) in enumerate(zip(wrt, actual, expected)):
            exp_leaves, act_leaves = named_leaves(arg, exp_tree), named_leaves(arg, act_tree)
            if [n for n, _ in exp_leaves] != [n for n, _ in act_leaves]:
                raise plain(problem.name, "grad", case, f"the gradient with respect to `{arg}` has another structure",
                            f"  expected:  {[n for n, _ in exp_leaves]}", f"  got:       {[n for n, _ in act_leaves]}")
            for j, ((name, exp), (_, act)) in enumerate(zip(exp_leaves, act_leaves)):
                require_same_shapes(problem, "grad", case, exp, act)
                gbudget = grad_budget(budget, exp)
                right = within(act, exp, gbudget.atol(GRAD_FACTOR))
                if not right:  # that was the floor alone: the full scale can only allow more
                    magnitudes = named_leaves(arg, expect.grad_magnitudes(problem, case, wrt, cot)[i])[j][1]
                    gbudget = grad_budget(budget, exp, magnitudes)
                    right = within(act, exp, gbudget.atol(GRAD_FACTOR))
                if not right:
                    spread = named_leaves(arg, expect.grad_spread(problem, case, wrt, cot)[i])[j][1]
                    gbudget = grad_budget(budget, exp, magnitudes, spread)
                    right = within(act, exp, gbudget.atol(GRAD_FACTOR))
                if not right:
                    nonfinite = not np.all(np.isfinite(act))
                    hint = ("the gradient is not finite: a NaN/inf in an unused branch (jnp.where) still "
                            "poisons the gradient" if nonfinite else
                            "a zero gradient means the argument does not reach the result (hard-coded, "
                            "ignored, or stop_gradient)" if not np.any(act) and np.any(exp) else "")
                    what = f"the gradient with respect to `{name}` differs from the oracle's"
                    raise mismatch(problem.name, "grad", case, what, exp, act, gbudget, GRAD_FACTOR,
                                   expected_label=f"d vdot(c, oracle)/d {name}, float64",
                                   actual_label=f"jax.grad, cotangent c = {cot.ravel()[:4].tolist()}...",
                                   hint=hint, how=Grad(wrt, cot), detail={"argument": i, "leaf": name, "index": j})

    hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


# --- 4c. vmap invariance ----------------------------------------------------------------------
@st.composite
def _batches(draw, problem: Problem):
    first = draw(problem.cases())
    return (first,) + tuple(draw(problem.cases(like=first)) for _ in range(VMAP_BATCH - 1))


def vmap(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(batch: tuple[Case, ...]) -> None:
        singles = [call(seam, problem, "vmap", c, Single()).value for c in batch]
        mapped = call(seam, problem, "vmap", batch[0], Vmap(batch, problem.mapped)).value
        for i, (case, single) in enumerate(zip(batch, singles)):
            got = tuple(m[i] for m in mapped) if isinstance(mapped, tuple) else mapped[i]
            require_same_shapes(problem, "vmap", case, single, got)
            budget = problem.budget(case)
            if not all(within(g, s, budget.atol(TRANSFORM_FACTOR)) for g, s in zip(leaves(got), leaves(single))):
                raise mismatch(problem.name, "vmap", case,
                               f"jax.vmap(f) over {len(batch)} inputs differs from f on input {i} alone",
                               leaves(single)[0], leaves(got)[0], budget, TRANSFORM_FACTOR,
                               expected_label="f on this input alone", actual_label=f"row {i} of vmap(f)",
                               hint="Results that change under vmap usually come from reducing over the "
                               "wrong axis (axis=0 or a full sum where the batch is not the leading one).",
                               steps=problem.steps, how=Vmap(batch, problem.mapped), detail={"row": i})

    large = (tuple(problem.large(salt) for salt in range(VMAP_BATCH)),) if problem.large is not None else ()
    if large:  # rows with defaults: the batch called by keyword and with the defaults left out, too
        large += tuple(zip(*(problem.call_variants(case) for case in large[0])))
    hypothesis_check(_batches(problem), check, large, max_examples=max_examples)


# --- 5. every visible device ------------------------------------------------------------------
def devices(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    import jax

    visible = jax.devices()
    bitwise = visible[0].platform == "cpu"

    def check(case: Case) -> None:
        results = []
        for i, device in enumerate(visible):
            out = call(seam, problem, "devices", case, OnDevice(i))
            if out.devices and set(out.devices) != {str(device)}:
                raise plain(problem.name, "devices", case, f"inputs committed to {device} gave a result on "
                            f"{', '.join(out.devices)}",
                            "  hint:      something in the function moved data to another device "
                            "(jax.device_put without a device, or a NumPy round trip).",
                            how=OnDevice(i), detail={"devices": len(visible)})
            results.append((device, out.value))
        expected = expect.value(problem, case)
        budget = problem.budget(case)  # once per input: the rows' budgets walk the oracle's trajectory
        # Every device is held to the oracle, within the value budget, as a plain call is.
        wrong = []
        for device, value in results:
            require_same_shapes(problem, "devices", case, expected, value)
            if not all(within(a, e, budget.atol()) for a, e in zip(leaves(defined(problem, value)),
                                                                   leaves(defined(problem, expected)))):
                wrong.append((device, value))
        if wrong:
            device, value = wrong[0]
            where = (f"on all {len(visible)} devices alike" if len(wrong) == len(visible) else
                     f"on {', '.join(str(d) for d, _ in wrong)} of {len(visible)} devices")
            try:
                uncommitted = call(seam, problem, "devices", case).value
                plain_right = all(within(a, e, budget.atol()) for a, e in zip(
                    leaves(defined(problem, uncommitted)), leaves(defined(problem, expected))))
            except PropertyFailure:
                plain_right = False
            hint = ("only committed inputs differ: the same call with uncommitted inputs gives the oracle's "
                    "result. Something in the function depends on where its inputs live (a device_put, "
                    "a sharding, a branch on .devices() or .committed)." if plain_right else
                    "the same call with uncommitted inputs is wrong too (the `oracle` property says more).")
            raise mismatch(problem.name, "devices", case,
                           f"the result with inputs committed to {device} differs from the Python-loop oracle "
                           f"({where})", defined(problem, expected), defined(problem, value), budget,
                           actual_label=f"inputs committed to {device}", hint=hint, steps=problem.steps,
                           how=OnDevice(visible.index(device)), detail={"devices": len(visible)})
        # And the devices agree with each other: bit for bit among forced CPU devices.
        first_device, first = results[0]
        for device, value in results[1:]:
            same = (all(np.array_equal(a, b, equal_nan=True) for a, b in zip(leaves(value), leaves(first)))
                    if bitwise else
                    all(within(a, b, budget.atol(TRANSFORM_FACTOR)) for a, b in zip(leaves(value), leaves(first))))
            if not same:
                raise mismatch(problem.name, "devices", case,
                               f"the result on {device} differs from the one on {first_device}",
                               leaves(first)[0], leaves(value)[0], None if bitwise else budget,
                               TRANSFORM_FACTOR, expected_label=str(first_device), actual_label=str(device),
                               hint="identical CPU devices must agree bit for bit" if bitwise else "",
                               steps=problem.steps, how=OnDevice(visible.index(device)),
                               detail={"devices": len(visible), "bitwise": bitwise})

    # The explicit inputs (edge cases and the large one) and DEVICE_DRAWS drawn ones. The devices
    # are alike, so a result can differ between them only where the code reads or moves data
    # across devices (a device_put, a NumPy round trip, an array made on the default device),
    # which the code path decides: the signature (shapes, static arguments), which the edge
    # cases' and the large input's cover, not the values. Each input costs a call per device,
    # op by op (a device_put inside the function is folded away under jit).
    hypothesis_check(problem.cases(), check, problem.examples(),
                     max_examples=DEVICE_DRAWS if max_examples is None else min(max_examples, DEVICE_DRAWS))


# --- 6. structure: a compiled loop that does not grow ----------------------------------------
@st.composite
def _two_lengths(draw, problem: Problem):
    short, long = STRUCTURE_LENGTHS
    first = draw(problem.cases(length=short))
    return first, draw(problem.cases(like=first, length=long))


def structure(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    name = problem.loop_length
    short_n, long_n = STRUCTURE_LENGTHS

    def check(pair: tuple[Case, Case]) -> None:
        short, long = pair
        a = call(seam, problem, "structure", short, Jaxpr())
        b = call(seam, problem, "structure", long, Jaxpr())
        if not a.loops or not b.loops:
            raise plain(problem.name, "structure", long, "the compiled program contains no loop",
                        f"  program:   {a.equations} operations at {name}={short_n}, {b.equations} at {name}={long_n}; "
                        "no loop (scan, fori_loop and while_loop compile to one)",
                        "  hint:      a Python `for` over the steps runs at trace time and unrolls into one copy "
                        "of the body per step, so compile time grows with the length. Use lax.scan (or "
                        "lax.fori_loop) so the body is compiled once.", how=Jaxpr(), detail={"pair": (short, long)})
        if a.equations != b.equations:
            raise plain(problem.name, "structure", long, f"the compiled program grows with {name}",
                        f"  program:   {a.equations} operations at {name}={short_n}, {b.equations} at {name}={long_n}",
                        "  hint:      part of the loop is a Python `for` that unrolls at trace time; move it "
                        "into the scan body.", how=Jaxpr(), detail={"pair": (short, long)})
        # The program judged is the one that must compute the result: a loop beside the real work
        # (a decoy) is not enough. Each compiled result is within the value budget of the exact one.
        for case, stats in ((short, a), (long, b)):
            if stats.value is None:
                continue
            expected = expect.value(problem, case)
            require_same_shapes(problem, "structure", case, expected, stats.value)
            budget = problem.budget(case)
            got, want = defined(problem, stats.value), defined(problem, expected)
            if not all(within(x, e, budget.atol()) for x, e in zip(leaves(got), leaves(want))):
                raise mismatch(problem.name, "structure", case, "the compiled program that holds the loop does not "
                               "compute the oracle's result", want, got, budget,
                               expected_label="the Python-loop oracle",
                               actual_label="the compiled program (jax.jit(f))",
                               hint="The loop in the program must be the one that computes the result.",
                               steps=problem.steps, how=Jit())

    # The verdict depends on shapes only: two pairs (and the large sizes at both lengths), and
    # nothing to gain from shrinking values.
    large = ((problem.large(0, short_n), problem.large(0, long_n)),) if problem.large is not None else ()
    if large:  # rows with defaults: also by keyword and with the defaults but the length left out
        keep = (name,)
        large += tuple(zip(*(problem.call_variants(case, keep) for case in large[0])))
    hypothesis_check(_two_lengths(problem), check, large, max_examples=2, phases=(Phase.explicit, Phase.generate))


FAMILIES: dict[str, Callable[[Problem, Seam], None]] = {
    "oracle": oracle,
    "shape": shape,
    "pre_update": pre_update,
    "jit": jit,
    "grad": grad,
    "vmap": vmap,
    "devices": devices,
    "structure": structure,
}

from scanprops.props.termination import termination  # noqa: E402  (it uses the plumbing above)

FAMILIES["termination"] = termination
