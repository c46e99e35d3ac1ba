"""The strategies reach the whole domain: every row has an input at the large sizes of every axis,
which every property runs, and the size pools are long-tailed (docs/domains.md)."""
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from scanprops.catalog import CATALOG
from scanprops.strategies import flax_rows, lesson_scan, trainers
from scanprops.strategies.functions import newton_path
from scanprops.strategies.pools import FEATURES, HIDDEN, STEPS, WIDTHS
from scanprops.tolerance import LAMBDA, SAFETY, U32, Allowance
from tests import memory

# The size each axis's large input must reach (the contract's floors for the default profile).
FLOORS = {"N": 64, "T": 64, "num_layers": 64, "n_iter": 64, "max_iter": 64, "B": 32, "H": 64, "D": 16}


def axes(name: str, case) -> dict[str, int]:
    """The sizes of a case, by axis name."""
    if name in ("scan_training_step", "scan_collect_losses"):
        n, b = case["x_batches"].shape
        return {"N": n, "B": b}
    if name == "lax_scan_in_module":
        return {"H": case["hidden"], "T": case["T"]}
    if name == "scan_rnn_forward":
        t, d = case["x"].shape
        return {"T": t, "D": d, "H": case["hidden"]}
    if name in ("running_sum", "custom_cumsum", "ema"):
        return {"N": case["xs"].shape[0]}
    if name == "rnn_forward":
        t, d = case["xs"].shape
        return {"T": t, "D": d, "H": case["h0"].shape[0]}
    if name == "apply_shared_layers":
        return {"D": case["x"].shape[0], "num_layers": case["num_layers"]}
    if name == "newton_iteration":
        return {"n_iter": case["n_iter"]}
    if name == "find_root":
        return {"max_iter": case["max_iter"]}
    if name == "activation":
        return {"H": case["x"].shape[-1]}
    return {}  # scalar rows: newton_sqrt, safe_divide (their large input is a large value)


@pytest.mark.parametrize("problem", CATALOG, ids=lambda p: p.name)
def test_every_property_runs_an_input_at_the_large_sizes(problem):
    assert problem.large is not None, f"{problem.name} has no large input"
    case = problem.large(0)
    assert pickle.dumps(problem.examples()[-1]) == pickle.dumps(case), "examples() must end with the large input"
    for axis, size in axes(problem.name, case).items():
        assert size >= FLOORS[axis], f"{problem.name}: {axis} = {size} at its large input, below {FLOORS[axis]}"


@pytest.mark.parametrize("problem", CATALOG, ids=lambda p: p.name)
def test_large_inputs_form_a_vmap_batch(problem):
    """Salts change values, never shapes or static arguments, so three make a vmap batch."""
    batch = [problem.large(salt) for salt in range(3)]
    for case in batch[1:]:
        for (name, a), (_, b) in zip(batch[0].args, case.args):
            if name in problem.static:
                assert a == b, f"{problem.name}: static {name} differs between salts"
            else:
                assert np.shape(a) == np.shape(b) if not isinstance(a, dict) else a.keys() == b.keys()


@pytest.mark.parametrize("problem", [p for p in CATALOG if p.name in ("newton_iteration", "find_root")],
                         ids=lambda p: p.name)
def test_large_newton_inputs_are_comparable(problem):
    """Their float64 path is one float32 can follow (else the value properties could not use them)."""
    for salt in range(4):
        case = problem.large(salt)
        tol = case["tol"] if "tol" in case.names else None
        count = case["max_iter"] if tol is not None else case["n_iter"]
        assert newton_path(case["f"], float(case["x0"]), count, tol).comparable


@pytest.mark.parametrize("axis", [STEPS, WIDTHS, HIDDEN, FEATURES], ids=["steps", "widths", "hidden", "features"])
def test_sizes_are_long_tailed(axis):
    """Over many draws: mostly small, some odd (not powers of two), some large; and the large
    size is not a power of two either."""
    seen = []

    @settings(max_examples=300, database=None, derandomize=True)
    @given(axis.sizes())
    def draw(n):
        seen.append(n)

    draw()
    small = sum(n in axis.small for n in seen) / len(seen)
    assert small > 0.5, f"only {small:.0%} small"
    assert any(n in axis.odd for n in seen) and axis.big() in seen
    assert all(n & (n - 1) for n in axis.odd + (axis.big(),)), "odd and large sizes must not be powers of two"


# The rows that draw whole signatures, and a case's signature in the order of their `axes`.
SIGNATURES = {
    "scan_training_step": (trainers.SIZES, lambda c: c["x_batches"].shape),
    "scan_collect_losses": (trainers.SIZES, lambda c: c["x_batches"].shape),
    "lax_scan_in_module": (flax_rows.MODULE_SIGNATURES, lambda c: (c["seed"], c["hidden"], c["T"])),
    "scan_rnn_forward": (flax_rows.GRU_SIGNATURES,
                         lambda c: (c["seed"], c["hidden"], c["x"].shape[1], c["x"].shape[0])),
    "rnn_forward": (lesson_scan.RNN_SIZES, lambda c: (c["h0"].shape[0], c["xs"].shape[1], c["xs"].shape[0])),
    "apply_shared_layers": (lesson_scan.LAYERS_SIZES, lambda c: (c["x"].shape[0], c["num_layers"])),
}


@pytest.mark.parametrize("problem", [p for p in CATALOG if p.name in SIGNATURES], ids=lambda p: p.name)
def test_drawn_signatures_are_the_edge_cases_and_a_few_more(problem):
    """Drawn inputs share their compiled programs with the edge cases and the large input: every
    explicit example's signature is in the row's list, and 200 draws stay in it and reach its
    small, odd and large parts."""
    joint, signature = SIGNATURES[problem.name]
    listed = set(joint.small) | set(joint.odd) | {joint.large()}
    *edges, large = problem.examples()
    assert {tuple(signature(c)) for c in edges} <= set(joint.small)
    assert tuple(signature(large)) == joint.large()
    seen = []

    @settings(max_examples=200, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(problem.cases())
    def draw(case):
        seen.append(tuple(signature(case)))

    draw()
    assert set(seen) <= listed
    assert set(seen) & set(joint.small) and set(seen) & set(joint.odd) and joint.large() in seen


def test_tolerance_is_the_smaller_of_the_linear_and_probabilistic_bounds():
    for steps, width in [(1, 1), (1, 3), (4, 3), (81, 42), (301, 98)]:
        n = steps * width
        atol = float(Allowance(steps, width, 1.0).atol())
        assert atol == pytest.approx(min(SAFETY * n, LAMBDA * np.sqrt(n)) * U32, rel=1e-6)
    big = Allowance(81, 42, 1.0)  # an (80, 40) SGD run: the sqrt bound is far tighter than n u
    assert float(big.atol()) < SAFETY * big.roundings * U32 / 20


# --- call forms (strategies/forms.py) ----------------------------------------------------------
FORM_ROWS = [p for p in CATALOG if p.defaults]


def test_the_rows_with_defaults_are_the_contracts():
    assert {p.name: p.defaults for p in FORM_ROWS} == {
        "ema": {"alpha": 0.1}, "newton_iteration": {"n_iter": 20},
        "find_root": {"tol": 1e-6, "max_iter": 100}, "newton_sqrt": {"tol": 1e-6}}


@pytest.mark.parametrize("problem", FORM_ROWS, ids=lambda p: p.name)
def test_every_property_meets_every_call_form(problem):
    """The explicit inputs of every property pass each defaulted argument positionally, by keyword
    and omitted (with the contract's default as its value), and hold the all-defaults call; vmap
    and structure, which run the large input only, run it in the other forms as well."""
    from scanprops.cases import KEYWORD, OMITTED, POSITIONAL
    from scanprops.strategies.forms import is_default

    examples = problem.examples()
    for name, default in problem.defaults.items():
        assert {c.how(name) for c in examples} == {POSITIONAL, KEYWORD, OMITTED}, name
        assert all(is_default(c[name], default) for c in examples if c.how(name) == OMITTED)
    assert any(set(c.omitted()) == set(problem.defaults) for c in problem.edge_cases), "no all-defaults call"
    large = problem.large(0)
    variants = problem.call_variants(large)
    assert {v.how(n) for v in (large, *variants) for n in problem.defaults} == {POSITIONAL, KEYWORD, OMITTED}
    if problem.loop_length in problem.argnames:  # structure sets the length: never omitted there
        kept = problem.call_variants(large, (problem.loop_length,))
        assert all(v.how(problem.loop_length) != OMITTED and v[problem.loop_length] == large[problem.loop_length]
                   for v in kept)


@pytest.mark.parametrize("problem", FORM_ROWS, ids=lambda p: p.name)
def test_drawn_call_forms_are_valid_and_reach_every_form(problem):
    """400 draws: every form of every defaulted argument, an omitted argument always at the
    contract's default, and a vmap batch (`like`) called as its first input."""
    from scanprops.cases import KEYWORD, OMITTED, POSITIONAL
    from scanprops.strategies.forms import is_default

    seen = {name: set() for name in problem.defaults}

    @settings(max_examples=400, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(problem.cases().flatmap(lambda c: problem.cases(like=c).map(lambda d: (c, d))))
    def draw(pair):
        case, other = pair
        assert other.form == case.form
        for name, default in problem.defaults.items():
            seen[name].add(case.how(name))
            if case.how(name) == OMITTED:
                assert is_default(case[name], default) and is_default(other[name], default)

    draw()
    assert all(hows == {POSITIONAL, KEYWORD, OMITTED} for hows in seen.values()), seen


def test_a_call_reads_as_it_was_made():
    from scanprops.catalog import BY_NAME

    ema = BY_NAME["ema"]
    omitted = next(c for c in ema.edge_cases if c.omitted())
    assert omitted.call_text("ema").startswith("ema(float32[5] ")
    assert omitted.call_text("ema").endswith("])   with alpha omitted: the contract's default is 0.1")
    keyword = next(c for c in ema.edge_cases if c.how("alpha") == "keyword")
    assert ", alpha=float32(" in keyword.call_text("ema")


# --- memory: draws whose result still depends on the loop's first step (tests/memory.py) --------
MEMORY_FLOOR = 100  # the result and the result one step shorter differ by this many allowances
FORGETFUL = {"scan_rnn_forward"}  # see docs/domains.md: Flax's GRU initialisation halves the state a step


@pytest.mark.parametrize("name", [n for n in memory.LOOP_ROWS if n not in FORGETFUL])
def test_the_large_input_remembers_its_first_step(name):
    """On the input every property runs (salt 0), dropping the loop's first step (one layer,
    iteration or step fewer) moves the final state by at least MEMORY_FLOOR allowances: a loop
    that starts late, stops early or keeps only its last K steps fails `oracle` there."""
    from scanprops.catalog import BY_NAME

    problem = BY_NAME[name]
    assert memory.sensitivity(problem, problem.large(0)) >= MEMORY_FLOOR


@pytest.mark.parametrize("name", ["apply_shared_layers", "rnn_forward"])
def test_memory_keeping_draws_remember_every_step(name):
    """The memory-keeping draws (one in four: memory_layers, memory_rnn) at every drawn size keep
    the floor too; 100 draws meet some."""
    from scanprops.catalog import BY_NAME
    from scanprops.strategies.lesson_scan import memory_rate

    problem = BY_NAME[name]
    loop = problem.loop_length
    seen = []

    def remembers(case, length) -> bool:  # a (signed) cycle times memory_rate(length)
        weight = case["params"]["w"] if name == "apply_shared_layers" else case["params"]["W_h"]
        rate = np.float32(memory_rate(length))
        return np.count_nonzero(weight) == weight.shape[0] and bool(np.all(np.abs(weight[weight != 0]) == rate))

    @settings(max_examples=100, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(problem.cases())
    def draw(case):
        length = case[loop] if loop != "T" else case["xs"].shape[0]
        if length >= 2 and remembers(case, length):
            seen.append(memory.sensitivity(problem, case))

    draw()
    assert seen, "no memory-keeping draw"
    assert min(seen) >= MEMORY_FLOOR, sorted(seen)[:3]


def test_memory_is_not_bought_with_the_tolerance():
    """The memory-keeping inputs are non-expanding (weights of norm < 1, lr inside the stability
    bound) and their allowances are the rows' ordinary ones: rounding, not the draws."""
    from scanprops.catalog import BY_NAME
    from scanprops.strategies.lesson_scan import memory_rate
    from scanprops.strategies.trainers import stability_bound

    layers = BY_NAME["apply_shared_layers"].large(0)
    assert np.linalg.norm(np.asarray(layers["params"]["w"], np.float64), 2) <= memory_rate(STEPS.big()) < 1
    rnn = BY_NAME["rnn_forward"].large(0)
    assert np.linalg.norm(np.asarray(rnn["params"]["W_h"], np.float64), 2) < 1
    sgd = BY_NAME["scan_training_step"].large(0)
    assert float(sgd["lr"]) <= stability_bound(sgd["x_batches"])
