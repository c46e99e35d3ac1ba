"""The persistent compilation cache: the judge's and the code under test's folders are apart,
keyed on the JAX version and on the submission; the switch turns it off; a second child loads
what the first compiled, and can write nowhere but its own folder."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from scanprops import compat, compile_cache, isolation
from scanprops.cases import Case
from scanprops.limits import RunLimits
from scanprops.report import versions
from scanprops.seam import Jit


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    monkeypatch.setenv(compile_cache.ENV_DIR, str(tmp_path / "cache"))
    monkeypatch.delenv(compile_cache.ENV_SWITCH, raising=False)
    return tmp_path / "cache"


def test_judge_and_children_have_separate_folders_keyed_on_versions_and_submission(cache_root, tmp_path):
    folders = compile_cache.folders(None)
    judge, children = Path(folders.judge), Path(folders.children)
    assert judge.parent == children.parent == cache_root
    tag = f"{versions()['jax']}-{versions()['jaxlib']}"
    assert judge.name == f"judge-{tag}" and children.name == f"code-under-test-{tag}"
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("x = 1\n")
    b.write_text("x = 2\n")
    folder_a = compile_cache.children_folder(folders, str(a), (), False)
    assert Path(folder_a).parent == children and Path(folder_a).is_dir()
    assert folder_a == compile_cache.children_folder(folders, str(a), (), False)
    assert folder_a != compile_cache.children_folder(folders, str(b), (), False)  # one per submission
    b.write_text("x = 1\n")
    b_again = compile_cache.children_folder(folders, str(b), (), False)
    a.write_text("x = 3\n")
    assert compile_cache.children_folder(folders, str(a), (), False) not in (folder_a, b_again)  # edited: afresh
    assert Path(compile_cache.children_folder(folders, "impls.reference", (), True)).name == "harness"


def test_the_switch_and_the_root(cache_root, monkeypatch, tmp_path):
    assert compile_cache.folders("off") is None
    monkeypatch.setenv(compile_cache.ENV_SWITCH, "0")
    assert compile_cache.folders(None) is None
    assert compile_cache.folders("on") is not None  # the option wins over the variable
    monkeypatch.delenv(compile_cache.ENV_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert compile_cache.root() == tmp_path / "xdg" / "scanprops"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert compile_cache.root() == tmp_path / "home" / ".cache" / "scanprops"
    executor = isolation.Executor(RunLimits.from_environment(cache=None))
    assert executor.cache_folder(isolation.module_ref(str(tmp_path / "m.py"))) is None  # off: no folder


def _stderr_says(executor: isolation.Executor, text: str, role: str) -> bool:
    for _ in range(40):  # the drain thread reads the pipe a moment later
        if text in executor.stderr_tail(role, 10**6):
            return True
        time.sleep(0.05)
    return False


def test_a_second_child_loads_from_its_cache_and_writes_nowhere_else(cache_root, tmp_path, monkeypatch):
    folders = compile_cache.folders(None)
    monkeypatch.setenv("JAX_LOG_COMPILES", "1")  # passed to the child: it logs each cache hit
    if compat.jax_version() < (0, 4, 38):  # a hit was a debug message (newer JAX: debug logs hide the rest)
        monkeypatch.setenv("JAX_DEBUG_LOG_MODULES", "jax._src.compiler")
    module = tmp_path / "sums.py"
    module.write_text(
        "import jax.numpy as jnp\n"
        "try:\n"
        f"    open({str(Path(folders.judge) / 'planted')!r}, 'w').write('x')\n"
        "    PLANTED = 1000.0\n"
        "except PermissionError:\n"
        "    PLANTED = 0.0\n\n"
        "def running_sum(xs):\n"
        "    return jnp.cumsum(xs) + PLANTED\n")
    case = Case.of(xs=np.arange(5, dtype=np.float32))
    outputs, hits = [], []
    for _ in range(2):  # two children (and two runners), one after the other
        executor = isolation.Executor(RunLimits.from_environment(cache=folders), deadline=60)
        try:
            outputs.append(executor.run(str(module), "running_sum", (), case, Jit()).value)  # the runner compiles it
            hits.append(_stderr_says(executor, "Persistent compilation cache hit", "runner"))
        finally:
            executor.close()
    np.testing.assert_array_equal(outputs[0], np.cumsum(np.arange(5, dtype=np.float32)))  # not planted
    np.testing.assert_array_equal(outputs[1], outputs[0])
    assert hits == [False, True]
    # the child never wrote the judge's folder: it holds only what the judge keeps (the programs
    # the children exported, which the judge wrote)
    assert {p.name for p in Path(folders.judge).iterdir()} <= {"exported-programs"}
    found = {p.name: p for p in Path(folders.children).iterdir()}
    assert set(found) == {"runner", compile_cache.submission_key(str(module), (str(tmp_path),), False)}
    entries = [p.name for p in found["runner"].iterdir()]
    assert entries and not [n for n in entries if n.startswith(".partial-")]
