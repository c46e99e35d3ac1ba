"""The strategies reach the whole domain: every row has an input at the large sizes of every axis,
which every property runs, and the size pools are long-tailed (docs/domains.md)."""
import pickle

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from scanprops.catalog import CATALOG
from scanprops.tolerance import LAMBDA, SAFETY, U32, Budget
from scanprops.strategies import flax_rows, lesson_scan, trainers
from scanprops.strategies.functions import newton_path
from scanprops.strategies.pools import FEATURES, HIDDEN, STEPS, WIDTHS

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
    "scan_rnn_forward": (flax_rows.GRU_SIGNATURES, lambda c: (c["seed"], c["hidden"], c["x"].shape[1], c["x"].shape[0])),
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
        atol = float(Budget(steps, width, 1.0).atol())
        assert atol == pytest.approx(min(SAFETY * n, LAMBDA * np.sqrt(n)) * U32, rel=1e-6)
    big = Budget(81, 42, 1.0)  # an (80, 40) SGD run: the sqrt bound is far tighter than n u
    assert float(big.atol()) < SAFETY * big.roundings * U32 / 20
