"""The harness's own tests of `termination` and of the isolated calls behind it: a loop that
never ends fails its function within a bounded time, never hangs the run and never passes,
a crashing call fails the same way, and the run goes on afterwards."""
from __future__ import annotations

import dataclasses
import time

import jax
import numpy as np
import pytest

import impls.wrong.find_root_no_iteration_cap as no_cap
import impls.wrong.sqrt_seed_literal as seed_literal
from scanprops import isolation
from scanprops.cases import Case
from scanprops.catalog import BY_NAME
from scanprops.failure import PropertyFailure
from scanprops.props.families import oracle
from scanprops.props.termination import termination
from scanprops.seam import ImplFailure, OnDevice, Plain, Seam
from scanprops.strategies.functions import NO_ROOT, Poly
from scanprops.strategies.lesson_control import newton_case

FIND_ROOT = BY_NAME["find_root"]
SQRT = BY_NAME["newton_sqrt"]
SHORT = 3.0  # seconds: these tests only need the mechanism, not the production deadline


@pytest.fixture
def short_deadline(monkeypatch):
    """A private executor with a short deadline, used by every isolated call of the test."""
    executor = isolation.Executor(deadline=SHORT)
    monkeypatch.setattr(isolation, "_EXECUTOR", executor)
    yield executor
    executor.close()


def test_a_loop_that_never_ends_fails_within_the_deadline_and_the_next_call_runs(short_deadline):
    hangs = newton_case(NO_ROOT, 0.5, tol=1e-6, max_iter=100)
    started = time.monotonic()
    with pytest.raises(isolation.CallTimeout, match=f"did not finish within {SHORT:g} s"):
        isolation.execute(no_cap, "find_root", FIND_ROOT.static, hangs, Plain())
    assert time.monotonic() - started < SHORT + 10  # the deadline, the kill, no more
    import impls.reference

    converges = newton_case(Poly((-2.0, 0.0, 1.0)), 1.5, tol=1e-6, max_iter=100)
    out = isolation.execute(impls.reference, "find_root", FIND_ROOT.static, converges, Plain())
    assert abs(float(out.value) - np.sqrt(2)) < 1e-6  # a fresh child answered


def test_after_a_hang_other_inputs_are_not_run_and_the_same_input_fails_at_once(short_deadline):
    hangs = newton_case(NO_ROOT, 0.5, tol=1e-6, max_iter=100)
    with pytest.raises(isolation.CallTimeout):
        isolation.execute(no_cap, "find_root", FIND_ROOT.static, hangs, Plain())
    started = time.monotonic()
    with pytest.raises(isolation.CallTimeout):
        isolation.execute(no_cap, "find_root", FIND_ROOT.static, hangs, Plain())
    other = newton_case(NO_ROOT, 0.25, tol=1e-6, max_iter=100)
    with pytest.raises(ImplFailure, match="was not called: on another input"):
        isolation.execute(no_cap, "find_root", FIND_ROOT.static, other, Plain())
    assert time.monotonic() - started < 1.0


def test_a_crashing_call_fails_and_the_next_call_runs(short_deadline, tmp_path):
    learner = tmp_path / "crashes.py"  # loaded from a path, as with --impl path.py
    learner.write_text("import os\n\ndef find_root(f, f_prime, x0, tol=1e-6, max_iter=100):\n"
                       "    if float(x0) < 0:\n        os._exit(3)\n    return x0\n")
    module = str(learner)
    assert isolation.module_ref(module).spec == str(learner)
    assert not isolation.module_ref(module).trusted  # a learner's file: the answer-key rule applies
    crash = newton_case(NO_ROOT, -1.0, tol=1e-6, max_iter=1)
    with pytest.raises(ImplFailure, match=r"died \(exit code 3\)"):
        isolation.execute(module, "find_root", FIND_ROOT.static, crash, Plain())
    fine = newton_case(NO_ROOT, 1.0, tol=1e-6, max_iter=1)
    assert float(isolation.execute(module, "find_root", FIND_ROOT.static, fine, Plain()).value) == 1.0


def test_a_call_that_computes_slowly_is_not_stopped_at_the_wall_clock_deadline(short_deadline, tmp_path):
    """As a first call on a loaded machine does: it gets a third of a core for 1.5 deadlines,
    and so uses half a deadline of CPU. A call that then only waits is stopped a deadline after
    it stopped computing, not let run to the wall-clock backstop."""
    learner = tmp_path / "starved.py"
    learner.write_text(
        "import time\n\ndef find_root(f, f_prime, x0, tol=1e-6, max_iter=100):\n"
        f"    end = time.monotonic() + {1.5 * SHORT}\n"
        "    while time.monotonic() < end:\n"
        "        busy = time.process_time() + 0.05\n"
        "        while time.process_time() < busy:\n            pass\n"
        "        time.sleep(0.1)\n"
        "    if float(x0) < 0:\n        time.sleep(1000)\n"
        "    return x0\n")
    fine = newton_case(NO_ROOT, 1.0, tol=1e-6, max_iter=1)
    assert float(isolation.execute(str(learner), "find_root", FIND_ROOT.static, fine, Plain()).value) == 1.0
    waits = newton_case(NO_ROOT, -1.0, tol=1e-6, max_iter=1)
    started = time.monotonic()
    with pytest.raises(isolation.CallTimeout):
        isolation.execute(str(learner), "find_root", FIND_ROOT.static, waits, Plain())
    assert time.monotonic() - started < isolation.WALL_FACTOR * SHORT  # stopped as a wait, not let run


def test_the_child_sees_the_same_devices(short_deadline):
    import impls.reference

    last = len(jax.devices()) - 1
    case = newton_case(NO_ROOT, 0.5, tol=1e-6, max_iter=3)
    out = isolation.execute(impls.reference, "find_root", FIND_ROOT.static, case, OnDevice(last))
    assert out.devices == (str(jax.devices()[last]),)


def test_termination_fails_a_find_root_without_max_iter_on_generated_inputs(short_deadline):
    """Generated stress inputs alone (no explicit examples) reach a start that never converges."""
    generated_only = dataclasses.replace(FIND_ROOT, edge_cases=(), large=None, stress_examples=())
    with pytest.raises(PropertyFailure) as failure:
        termination(generated_only, Seam(no_cap.__name__, no_cap.__name__), max_examples=10)
    assert failure.value.family == "termination"
    assert f"did not finish within {SHORT:g} s" in failure.value.text


def test_the_seed_newton_sqrt_hangs_on_generated_large_x(short_deadline):
    """The seed's absolute test can never hold for large x in float32; the strategy draws such
    x by itself (x = m * 2**e over float32's range)."""
    generated_only = dataclasses.replace(SQRT, edge_cases=(), large=None)
    with pytest.raises(PropertyFailure) as failure:
        termination(generated_only, Seam(seed_literal.__name__, seed_literal.__name__), max_examples=10)
    assert "did not finish" in failure.value.text


def test_the_seed_newton_sqrt_is_wrong_on_generated_small_x(short_deadline):
    """...and holds at once for small x, where its first guess x/2 is returned."""
    small_only = dataclasses.replace(SQRT, edge_cases=(), large=None, cases=lambda **kw: SQRT.cases(**kw).filter(
        lambda case: float(case["x"]) < 1.0))
    with pytest.raises(PropertyFailure) as failure:
        oracle(small_only, Seam(seed_literal.__name__, seed_literal.__name__), max_examples=10)
    assert "absolute stopping test" in failure.value.text


def test_an_iteration_count_above_the_cap_fails_termination(tmp_path):
    capless = tmp_path / "capless.py"
    capless.write_text("import jax.numpy as jnp\n\ndef newton_sqrt(x, tol=1e-6):\n"
                       "    return jnp.sqrt(jnp.asarray(x, jnp.float32)), jnp.int32(101)\n")
    with pytest.raises(PropertyFailure, match=r"iteration count is 101, outside \[0, 100\]"):
        termination(SQRT, Seam(str(capless), "capless"), max_examples=1)


def test_a_function_that_hung_in_two_tests_is_not_called_again(tmp_path, monkeypatch):
    """A submission that sleeps in every call costs a few deadlines per function, not one per
    test: after it hung in two tests, a third test fails at once, saying why."""
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("import time\n\ndef running_sum(xs):\n    time.sleep(60)\n    return xs\n")
    executor = isolation.Executor(deadline=1.0)
    case = Case.of(xs=np.zeros(3, np.float32))
    try:
        for i, test in enumerate(("t1", "t2"), start=1):
            monkeypatch.setenv("PYTEST_CURRENT_TEST", f"props/test_x.py::{test} (call)")
            with pytest.raises(isolation.CallTimeout):
                executor.run(str(sleeper), "running_sum", (), case.replace(xs=np.full(3, i, np.float32)), Plain())
        monkeypatch.setenv("PYTEST_CURRENT_TEST", "props/test_x.py::t3 (call)")
        started = time.monotonic()
        with pytest.raises(ImplFailure, match="ran past the 1 s deadline in 2 other tests"):
            executor.run(str(sleeper), "running_sum", (), case, Plain())
        assert time.monotonic() - started < 0.5
    finally:
        executor.close()


def test_a_runner_grown_past_its_share_of_memory_is_replaced_and_answers(short_deadline, monkeypatch):
    """The runner keeps every program it compiled; past RUNNER_RECYCLE_SHARE of its memory limit
    a fresh one takes over (here at once: a share of 0), and the programs still run."""
    import impls.reference
    from scanprops.seam import Jit

    monkeypatch.setattr(isolation, "RUNNER_RECYCLE_SHARE", 0.0)
    case = Case.of(xs=np.arange(5, dtype=np.float32))
    problem = BY_NAME["running_sum"]
    first = isolation.execute(impls.reference, "running_sum", problem.static, case, Jit())
    runner = short_deadline.runner_pid
    second = isolation.execute(impls.reference, "running_sum", problem.static, case.replace(xs=case["xs"] * 2), Jit())
    assert short_deadline.runner_pid not in (None, runner), "the grown runner was kept"
    np.testing.assert_array_equal(np.asarray(first.value), np.cumsum(np.arange(5)))
    np.testing.assert_array_equal(np.asarray(second.value), 2 * np.cumsum(np.arange(5)))
