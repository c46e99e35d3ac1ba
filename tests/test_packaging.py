"""What `pip install` puts in a user's site-packages: one top-level name, `scanprops`, holding
the judge (catalog, oracles, strategies, property tests) and never the answer key; and that
such an install verifies a module from any folder."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from scanprops.wheel import build as build_wheel

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built as the bundles build it (scanprops/wheel.py), with a stale module planted where
    setuptools keeps its last build: it must not ship."""
    had_build = (ROOT / "build").exists()
    stale = ROOT / "build" / "lib" / "scanprops" / "zz_stale_module.py"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("raise ImportError('a module deleted from the checkout')\n")
    try:
        return build_wheel(ROOT, tmp_path_factory.mktemp("wheel"))
    finally:
        stale.unlink()
        if not had_build:
            shutil.rmtree(ROOT / "build", ignore_errors=True)


def test_the_wheel_installs_one_top_level_name_and_no_answer_key(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"scanprops"}
    for judge in ("scanprops/props/test_properties.py", "scanprops/strategies/pools.py", "scanprops/oracles/sgd.py",
                  "scanprops/catalog/sgd.py", "scanprops/check.ini", "scanprops/child/main.py"):
        assert judge in names
    assert not [n for n in names if "reference" in n or "/alt/" in n or "/wrong/" in n], "the answer key shipped"
    assert "scanprops/zz_stale_module.py" not in names, "a stale build/lib module shipped"


def test_an_installed_harness_checks_a_module_from_any_folder(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(wheel)],
                   check=True, timeout=300)
    work = tmp_path / "learner"
    work.mkdir()
    shutil.copyfile(ROOT / "impls/alt/activation_select_all.py", work / "mine.py")
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of the editable install of this checkout
    run = subprocess.run([sys.executable, "-m", "scanprops.cli", "check", "mine.py", "--jobs", "0",
                          "--functions", "activation"], cwd=work, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{site}/scanprops/props" in run.stdout or "pass     activation" in run.stdout
    where = subprocess.run([sys.executable, "-c", "import scanprops.props, impls"], cwd=work, env=env,
                           capture_output=True, text=True)
    assert "No module named 'impls'" in where.stderr
