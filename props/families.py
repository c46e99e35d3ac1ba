"""The property families of docs/contract.md, one function each, reading like the contract.

Each family takes a catalog row and the seam to the implementation under test, lets
Hypothesis draw inputs (the row's edge cases always run first), and raises PropertyFailure
with a learner-facing message for the smallest failing input Hypothesis can find.
"""
from __future__ import annotations

import numpy as np
from hypothesis import Phase
from hypothesis import strategies as st

from scanprops import expect
from scanprops.cases import Case
from scanprops.failure import PropertyFailure, mismatch, plain
from scanprops.problem import Out, Problem
from scanprops.props import checking
from scanprops.props.checking import call, defined, form_blame, leaves, named_leaves, pitfall_hint, require_same_shapes
from scanprops.props.family import Family, always
from scanprops.seam import Grad, Jaxpr, Jit, OnDevice, Seam, Single, Vmap
from scanprops.strategies.pools import STRUCTURE_LENGTHS
from scanprops.tolerance import GRAD_FACTOR, TRANSFORM_FACTOR, Allowance, grad_allowance, within

VMAP_BATCH = 3
DEVICE_DRAWS = 3  # drawn inputs `devices` checks, besides the explicit ones (see `devices`)


# --- 1. oracle equality -----------------------------------------------------------------------
def oracle(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(case: Case) -> None:
        actual = call(seam, problem, "oracle", case).value
        expected = expect.value(problem, case)
        require_same_shapes(problem, "oracle", case, expected, actual)
        allowance = problem.allowance(case)
        atol = allowance.atol()
        got, want = defined(problem, actual), defined(problem, expected)
        if not all(within(a, e, atol) for a, e in zip(leaves(got), leaves(want))):
            hint = form_blame(seam, problem, case, atol) or pitfall_hint(problem, case, actual, expected, atol)
            raise mismatch(problem.name, "oracle", case, ORACLE.headline,
                           want, got, allowance, hint=hint, steps=problem.steps)

    checking.hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


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
            raise plain(problem.name, "shape", case, SHAPE.headline,
                        f"  expected:  {', '.join(f'{w.dtype}{list(w.shape)}' for w in want)}",
                        f"  got:       {', '.join(f'{g.dtype}{list(g.shape)}' for g in got)}",
                        f"  hint:      {hint}" if hint else "",
                        detail={"shapes": [[list(w.shape), w.dtype] for w in want]})

    checking.hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


# --- 3. pre-update losses ---------------------------------------------------------------------
def pre_update(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    part = problem.losses

    def check(case: Case) -> None:
        actual = call(seam, problem, "pre_update", case).value
        expected = expect.value(problem, case)
        require_same_shapes(problem, "pre_update", case, expected, actual)
        allowance = problem.allowance(case)
        atol = np.broadcast_to(allowance.atol(), expected.shape)[part]
        if not within(actual[part], expected[part], atol):
            sub = Allowance(allowance.steps, allowance.width, np.broadcast_to(allowance.scale, expected.shape)[part])
            raise mismatch(problem.name, "pre_update", case, PRE_UPDATE.headline,
                           expected[part], actual[part], sub, expected_label="pre-update losses, float64 oracle",
                           hint=pitfall_hint(problem, case, actual, expected,
                                             np.broadcast_to(allowance.atol(), expected.shape)),
                           steps=problem.steps and problem.steps.cut())

    checking.hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


# --- 4a. jit invariance -----------------------------------------------------------------------
@st.composite
def with_witness(draw, problem: Problem):
    """A drawn input and, for one in three (the program is the same for every input of a
    signature, so a few witnesses suffice, and each costs a plain call), a witness: another
    input of the same signature."""
    case = draw(problem.cases())
    return case, (draw(problem.cases(like=case)) if draw(st.integers(0, 2)) == 2 else None)


def jit(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def compare(case: Case, eager, jitted) -> None:
        require_same_shapes(problem, "jit", case, eager, jitted)
        allowance = problem.allowance(case)
        if not all(within(j, e, allowance.atol(TRANSFORM_FACTOR)) for j, e in zip(leaves(jitted), leaves(eager))):
            raise mismatch(problem.name, "jit", case, JIT.headline,
                           leaves(eager)[0], leaves(jitted)[0], allowance, TRANSFORM_FACTOR,
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

    checking.hypothesis_check(with_witness(problem), check, [(e, None) for e in problem.examples()],
                              max_examples=max_examples)


# --- 4b. grad matches the oracle's grad -------------------------------------------------------
def grad(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(case: Case) -> None:
        out = problem.out(case)
        cot = expect.cotangent_for(out.shape)
        allowance = problem.allowance(case)
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
                gallowance = grad_allowance(allowance, exp)
                right = within(act, exp, gallowance.atol(GRAD_FACTOR))
                if not right:  # that was the floor alone: the full scale can only allow more
                    magnitudes = named_leaves(arg, expect.grad_magnitudes(problem, case, wrt, cot)[i])[j][1]
                    gallowance = grad_allowance(allowance, exp, magnitudes)
                    right = within(act, exp, gallowance.atol(GRAD_FACTOR))
                if not right:
                    spread = named_leaves(arg, expect.grad_spread(problem, case, wrt, cot)[i])[j][1]
                    gallowance = grad_allowance(allowance, exp, magnitudes, spread)
                    right = within(act, exp, gallowance.atol(GRAD_FACTOR))
                if not right:
                    nonfinite = not np.all(np.isfinite(act))
                    hint = ("the gradient is not finite: a NaN/inf in an unused branch (jnp.where) still "
                            "poisons the gradient" if nonfinite else
                            "a zero gradient means the argument does not reach the result (hard-coded, "
                            "ignored, or stop_gradient)" if not np.any(act) and np.any(exp) else "")
                    what = f"the gradient with respect to `{name}` differs from the oracle's"
                    raise mismatch(problem.name, "grad", case, what, exp, act, gallowance, GRAD_FACTOR,
                                   expected_label=f"d vdot(c, oracle)/d {name}, float64",
                                   actual_label=f"jax.grad, cotangent c = {cot.ravel()[:4].tolist()}...",
                                   hint=hint, how=Grad(wrt, cot), detail={"argument": i, "leaf": name, "index": j})

    checking.hypothesis_check(problem.cases(), check, problem.examples(), max_examples=max_examples)


# --- 4c. vmap invariance ----------------------------------------------------------------------
@st.composite
def vmap_batches(draw, problem: Problem):
    first = draw(problem.cases())
    return (first,) + tuple(draw(problem.cases(like=first)) for _ in range(VMAP_BATCH - 1))


def vmap(problem: Problem, seam: Seam, max_examples: int | None = None) -> None:
    def check(batch: tuple[Case, ...]) -> None:
        singles = [call(seam, problem, "vmap", c, Single()).value for c in batch]
        mapped = call(seam, problem, "vmap", batch[0], Vmap(batch, problem.mapped)).value
        for i, (case, single) in enumerate(zip(batch, singles)):
            got = tuple(m[i] for m in mapped) if isinstance(mapped, tuple) else mapped[i]
            require_same_shapes(problem, "vmap", case, single, got)
            allowance = problem.allowance(case)
            if not all(within(g, s, allowance.atol(TRANSFORM_FACTOR)) for g, s in zip(leaves(got), leaves(single))):
                raise mismatch(problem.name, "vmap", case,
                               f"jax.vmap(f) over {len(batch)} inputs differs from f on input {i} alone",
                               leaves(single)[0], leaves(got)[0], allowance, TRANSFORM_FACTOR,
                               expected_label="f on this input alone", actual_label=f"row {i} of vmap(f)",
                               hint="Results that change under vmap usually come from reducing over the "
                               "wrong axis (axis=0 or a full sum where the batch is not the leading one).",
                               steps=problem.steps, how=Vmap(batch, problem.mapped), detail={"row": i})

    large = (tuple(problem.large(salt) for salt in range(VMAP_BATCH)),) if problem.large is not None else ()
    if large:  # rows with defaults: the batch called by keyword and with the defaults left out, too
        large += tuple(zip(*(problem.call_variants(case) for case in large[0])))
    checking.hypothesis_check(vmap_batches(problem), check, large, max_examples=max_examples)


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
        allowance = problem.allowance(case)  # once per input: the rows' allowances walk the oracle's trajectory
        # Every device is held to the oracle, within the value allowance, as a plain call is.
        wrong = []
        for device, value in results:
            require_same_shapes(problem, "devices", case, expected, value)
            if not all(within(a, e, allowance.atol()) for a, e in zip(leaves(defined(problem, value)),
                                                                   leaves(defined(problem, expected)))):
                wrong.append((device, value))
        if wrong:
            device, value = wrong[0]
            where = (f"on all {len(visible)} devices alike" if len(wrong) == len(visible) else
                     f"on {', '.join(str(d) for d, _ in wrong)} of {len(visible)} devices")
            try:
                uncommitted = call(seam, problem, "devices", case).value
                plain_right = all(within(a, e, allowance.atol()) for a, e in zip(
                    leaves(defined(problem, uncommitted)), leaves(defined(problem, expected))))
            except PropertyFailure:
                plain_right = False
            hint = ("only committed inputs differ: the same call with uncommitted inputs gives the oracle's "
                    "result. Something in the function depends on where its inputs live (a device_put, "
                    "a sharding, a branch on .devices() or .committed)." if plain_right else
                    "the same call with uncommitted inputs is wrong too (the `oracle` property says more).")
            raise mismatch(problem.name, "devices", case,
                           f"the result with inputs committed to {device} differs from the Python-loop oracle "
                           f"({where})", defined(problem, expected), defined(problem, value), allowance,
                           actual_label=f"inputs committed to {device}", hint=hint, steps=problem.steps,
                           how=OnDevice(visible.index(device)), detail={"devices": len(visible)})
        # And the devices agree with each other: bit for bit among forced CPU devices.
        first_device, first = results[0]
        for device, value in results[1:]:
            same = (all(np.array_equal(a, b, equal_nan=True) for a, b in zip(leaves(value), leaves(first)))
                    if bitwise else
                    all(within(a, b, allowance.atol(TRANSFORM_FACTOR)) for a, b in zip(leaves(value), leaves(first))))
            if not same:
                raise mismatch(problem.name, "devices", case,
                               f"the result on {device} differs from the one on {first_device}",
                               leaves(first)[0], leaves(value)[0], None if bitwise else allowance,
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
    checking.hypothesis_check(problem.cases(), check, problem.examples(),
                     max_examples=DEVICE_DRAWS if max_examples is None else min(max_examples, DEVICE_DRAWS))


# --- 6. structure: a compiled loop that does not grow ----------------------------------------
@st.composite
def length_pairs(draw, problem: Problem):
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
        # (a decoy) is not enough. Each compiled result is within the value allowance of the exact one.
        for case, stats in ((short, a), (long, b)):
            if stats.value is None:
                continue
            expected = expect.value(problem, case)
            require_same_shapes(problem, "structure", case, expected, stats.value)
            allowance = problem.allowance(case)
            got, want = defined(problem, stats.value), defined(problem, expected)
            if not all(within(x, e, allowance.atol()) for x, e in zip(leaves(got), leaves(want))):
                raise mismatch(problem.name, "structure", case, "the compiled program that holds the loop does not "
                               "compute the oracle's result", want, got, allowance,
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
    checking.hypothesis_check(length_pairs(problem), check, large, max_examples=2,
                              phases=(Phase.explicit, Phase.generate))


# --- the records (props/registry.py lists them in the contract's order) ----------------------
ORACLE = Family(name="oracle", check=oracle, applies=always,
                checks="agrees with a plain Python-loop oracle on generated inputs",
                headline="the result differs from the Python-loop oracle")
SHAPE = Family(name="shape", check=shape, applies=always,
               checks="returns exactly the specified shapes and dtypes",
               headline="wrong output shape or dtype")
PRE_UPDATE = Family(name="pre_update", check=pre_update, applies=lambda problem: problem.losses is not None,
                    checks="reports each loss at the weight before that step's update",
                    headline="losses[i] is not the loss at the weight before step i")
JIT = Family(name="jit", check=jit, applies=always,
             checks="gives the same result under jax.jit",
             headline="jax.jit(f) gives another result than f")
GRAD = Family(name="grad", check=grad, applies=lambda problem: bool(problem.differentiable),
              checks="has the same gradient as the oracle",
              headline="the gradient differs from the oracle's")
VMAP = Family(name="vmap", check=vmap, applies=always,
              checks="gives the same results under jax.vmap as one input at a time",
              headline="jax.vmap(f) differs from f on one input alone")
DEVICES = Family(name="devices", check=devices, applies=always,
                 checks="gives the same result on every visible device, and keeps it there",
                 headline="the result with inputs committed to a device differs")
STRUCTURE = Family(name="structure", check=structure, applies=lambda problem: bool(problem.loop_length),
                   checks="is a compiled loop whose traced program does not grow with the length",
                   headline="the compiled program has no loop, or grows with the length")
