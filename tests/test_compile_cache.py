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
from scanprops.seam import Jit, Plain


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


def test_a_learners_child_compiles_each_function_into_its_own_folder(cache_root, tmp_path, monkeypatch):
    """--compile-cache-key=function: each function's calls go to the folder of its fingerprint; an
    edit of one function leaves the other's folder to be loaded from; the child writes in no
    folder but its own functions' and its submission's."""
    folders = compile_cache.folders(None, by_function=True)
    monkeypatch.setenv("JAX_LOG_COMPILES", "1")
    if compat.jax_version() < (0, 4, 38):
        monkeypatch.setenv("JAX_DEBUG_LOG_MODULES", "jax._src.compiler")
    elsewhere = Path(folders.children) / "fn-0000000000000000"
    elsewhere.mkdir()
    module = tmp_path / "sums.py"
    text = ("import jax.numpy as jnp\n"
            "try:\n"
            f"    open({str(elsewhere / 'planted')!r}, 'w').write('x')\n"
            "    PLANTED = 1000.0\n"
            "except PermissionError:\n"
            "    PLANTED = 0.0\n\n"
            "def running_sum(xs):\n"
            "    return jnp.cumsum(xs) + PLANTED\n\n"
            "def custom_cumsum(xs):\n"
            "    return jnp.cumsum(xs * 2.0) / 2.0\n")
    module.write_text(text)
    case = Case.of(xs=np.arange(5, dtype=np.float32))
    expected = np.cumsum(np.arange(5, dtype=np.float32))

    def run_both() -> tuple[dict, list]:
        keys = compile_cache.function_keys(str(module), (str(tmp_path),))
        executor, hits = isolation.Executor(RunLimits.from_environment(cache=folders), deadline=60), []
        try:
            for name in ("running_sum", "custom_cumsum"):
                np.testing.assert_array_equal(executor.run(str(module), name, (), case, Plain()).value, expected)
                hits.append(_stderr_says(executor, "Persistent compilation cache hit", "child"))
        finally:
            executor.close()
        return keys, hits

    first, hits = run_both()
    assert set(first) == {"running_sum", "custom_cumsum"} and not any(hits)
    written = {name: {p.name for p in (Path(folders.children) / key).iterdir()} for name, key in first.items()}
    assert all(written.values()) and not list(elsewhere.iterdir())
    module.write_text(text.replace("/ 2.0", "* 0.5"))  # the learner edits custom_cumsum
    second, hits = run_both()
    assert second["running_sum"] == first["running_sum"] and second["custom_cumsum"] != first["custom_cumsum"]
    assert hits[0]  # running_sum loaded what the first child compiled for it
    assert {p.name for p in (Path(folders.children) / first["running_sum"]).iterdir()} == written["running_sum"]
    assert {p.name for p in (Path(folders.children) / second["custom_cumsum"]).iterdir()}
    assert not list(elsewhere.iterdir())


def test_a_graders_run_keeps_one_folder_per_submission(cache_root, tmp_path):
    module = tmp_path / "sums.py"
    module.write_text("import jax.numpy as jnp\n\ndef running_sum(xs):\n    return jnp.cumsum(xs)\n")
    graders = compile_cache.child_folders(compile_cache.folders(None), str(module), (), False)
    assert graders.functions == () and graders.folder_of("running_sum") == graders.module
    learners = compile_cache.child_folders(compile_cache.folders(None, by_function=True), str(module), (), False)
    assert learners.module == graders.module and dict(learners.functions).keys() == {"running_sum"}
    assert Path(learners.folder_of("running_sum")).name.startswith("fn-")
    trusted = compile_cache.child_folders(compile_cache.folders(None, by_function=True), "impls.reference", (), True)
    assert Path(trusted.module).name == "harness" and trusted.functions == ()


def test_the_same_function_in_another_file_never_shares_a_folder(cache_root, tmp_path):
    """A child may write in all its functions' folders, so a file that copies another's function
    must not get that function's folder (it could plant programs there for the other file's next
    run); later versions of the same file keep it (the learner's own edits)."""
    source = "import jax.numpy as jnp\n\ndef running_sum(xs):\n    return jnp.cumsum(xs)\n"
    mine, theirs = tmp_path / "mine" / "solutions.py", tmp_path / "theirs" / "solutions.py"
    for path in (mine, theirs):
        path.parent.mkdir()
        path.write_text(source)
    keys = {p: compile_cache.function_keys(str(p), ()) for p in (mine, theirs)}
    assert keys[mine]["running_sum"] != keys[theirs]["running_sum"]
    mine.write_text(source + "\n\ndef ema(xs, alpha=0.1):\n    return xs\n")  # an edit elsewhere in the file
    assert compile_cache.function_keys(str(mine), ())["running_sum"] == keys[mine]["running_sum"]
