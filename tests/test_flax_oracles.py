"""The Flax rows' oracles stand on facts about Flax; these tests keep those facts checked.

- The parameters the oracles initialise themselves equal the seeds' own (so the oracles never
  need the implementation under test), also when first computed inside the x64 gradient check.
- The GRU Jacobian behind the row's tolerance is the derivative of the oracle's step.
- Each GRU pitfall recognises the known-wrong module that commits it, where that module's
  edge-case failure is an error that hides the hint.
"""
import importlib

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from impls import flax_seeds
from scanprops import expect
from scanprops.cases import Case
from scanprops.catalog import BY_NAME
from scanprops.catalog.flax_seeds import gru_step_jacobian
from scanprops.compat import x64
from scanprops.in_process import execute
from scanprops.oracles import flax_seeds as oracles_flax
from scanprops.props.checking import pitfall_hint
from scanprops.seam import Plain

SIZES = [(0, 1, 1), (3, 4, 2), (2**31 - 1, 8, 5)]  # (seed, H, D)


@pytest.mark.parametrize("seed,hidden,features", SIZES)
def test_module_weight_is_the_seeds_W(seed, hidden, features):
    model = flax_seeds.LaxScanModule(hidden=hidden, T=2)
    W = model.init(jax.random.PRNGKey(seed), jnp.ones(hidden))["params"]["W"]
    np.testing.assert_array_equal(oracles_flax.module_weight(seed, hidden), np.asarray(W))


@pytest.mark.parametrize("seed,hidden,features", SIZES)
def test_gru_params_are_the_seeds_nn_scan_params(seed, hidden, features):
    cell = flax_seeds.ScanGRU(features=hidden)
    params = cell.init(jax.random.PRNGKey(seed), jnp.zeros(hidden), jnp.ones((3, features)))["params"]
    ours = oracles_flax.gru_params(seed, hidden, features)
    assert set(ours) == set(params)
    for name, leaf in params.items():
        for k, v in leaf.items():
            np.testing.assert_array_equal(ours[name][k], np.asarray(v), err_msg=f"{name}/{k}")


def test_parameters_first_computed_under_x64_are_the_float32_ones():
    with x64(True):
        W = oracles_flax.module_weight.__wrapped__(1, 3)
        p = oracles_flax.gru_params.__wrapped__(1, 3, 2)
    np.testing.assert_array_equal(W, oracles_flax.module_weight(1, 3))
    np.testing.assert_array_equal(p["hn"]["kernel"], oracles_flax.gru_params(1, 3, 2)["hn"]["kernel"])


def test_gru_jacobian_is_the_derivative_of_the_oracle_step():
    p = oracles_flax.gru_params(2, 4, 3)
    rng = np.random.default_rng(0)
    h, x = rng.uniform(-0.9, 0.9, 4), rng.uniform(-2, 2, 3)
    new, jac, _ = gru_step_jacobian(p, h, x)
    with x64(True):
        want = jax.jacobian(lambda v: oracles_flax.gru_step(jnp, p, v, jnp.asarray(x)))(jnp.asarray(h))
        step = oracles_flax.gru_step(np, p, h, x)
    np.testing.assert_allclose(new, step, rtol=1e-12)
    np.testing.assert_allclose(jac, np.asarray(want), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("module,pitfall", [
    ("gru_time_axis_swapped", "time axis swapped"),
    ("gru_split_params", "split params"),
    ("gru_nn_rnn_wrapper", "parameters under a submodule"),
    ("gru_reversed_sequence", "reversed time axis"),
])
def test_gru_pitfall_recognises_its_module(module, pitfall):
    problem = BY_NAME["scan_rnn_forward"]
    x = np.random.default_rng(3).uniform(-2, 2, (5, 3)).astype(np.float32)
    case = Case.of(seed=1, x=x, hidden=2)
    fn = importlib.import_module(f"impls.wrong.{module}").scan_rnn_forward
    actual = execute(fn, problem.name, problem.static, case, Plain()).value
    hint = pitfall_hint(problem, case, actual, expect.value(problem, case), problem.allowance(case).atol())
    assert pitfall in hint, hint
