"""The oracle's gradients kept on disk (scanprops/grad_store.py): a later run reads back exactly
what was computed, a file that does not fit its input is recomputed, and nothing is kept with
the cache off."""
import numpy as np
import pytest

from scanprops import expect, grad_store
from scanprops.catalog import CATALOG

ROWS = {p.name: p for p in CATALOG}


@pytest.fixture
def store(tmp_path):
    grad_store.use(str(tmp_path))
    expect.forget()
    yield tmp_path
    grad_store.use(None)
    expect.forget()


def ask(name: str):
    problem = ROWS[name]
    case = problem.examples()[1]
    cot = expect.cotangent_for(problem.out(case).shape)
    return expect.grad(problem, case, problem.differentiable, cot)


def same(a, b) -> bool:
    import jax

    la, lb = jax.tree_util.tree_leaves(a), jax.tree_util.tree_leaves(b)
    return len(la) == len(lb) and all(np.array_equal(x, y) for x, y in zip(la, lb))


@pytest.mark.parametrize("name", ["running_sum", "rnn_forward"])  # an array, and a dict of arrays
def test_a_later_run_reads_back_what_was_computed(store, monkeypatch, name):
    first = ask(name)
    assert list(store.glob("oracle-grads-*/*.npz")), "nothing was stored"
    expect.forget()  # a new process: only the disk remembers
    monkeypatch.setattr(expect, "_reverse", lambda *a: pytest.fail("computed again instead of read"))
    assert same(ask(name), first)


def test_a_file_that_does_not_fit_is_recomputed(store):
    first = ask("rnn_forward")
    (path,) = store.glob("oracle-grads-*/*.npz")
    np.savez(path, np.zeros(3))  # wrong count and shapes
    expect.forget()
    assert same(ask("rnn_forward"), first)


def test_nothing_is_kept_with_the_cache_off(monkeypatch):
    grad_store.use(None)
    expect.forget()
    monkeypatch.setattr(np, "savez", lambda *a, **k: pytest.fail("stored with the cache off"))
    monkeypatch.setattr(np, "load", lambda *a, **k: pytest.fail("read with the cache off"))
    ask("running_sum")
    expect.forget()
