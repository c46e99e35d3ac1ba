"""Seed 004's exercise: the RNN forward pass as a Python `for`, `lax.scan` and `lax.fori_loop`
gives the oracle's values all three ways; `scan` and `fori_loop` pass every property, and the
Python `for` fails `structure` and nothing else.

Each version is proven once: the scan version is the reference, which props/ verifies; the
Python `for` is the known-wrong module impls/wrong/rnn_forward_python_for.py, whose BUG
declaration tests/test_wrong_impls_fail.py checks; the fori_loop version is verified here.
"""
import importlib

import pytest

import impls.reference
import impls.rnn_for
import impls.rnn_scan
import impls.wrong.rnn_forward_python_for as python_for
from scanprops.catalog import BY_NAME
from scanprops.props.registry import families_of
from tests import proof

FAMILIES = families_of(BY_NAME["rnn_forward"])


def test_three_ways_scan_is_the_reference():
    assert impls.rnn_scan.rnn_forward is impls.reference.rnn_forward


def test_three_ways_python_for_is_rejected_by_structure_only():
    assert python_for.rnn_forward is impls.rnn_for.rnn_forward
    bug = python_for.BUG
    assert (bug.function, bug.caught_by) == ("rnn_forward", "structure")
    assert set(bug.passes) == set(FAMILIES) - {"structure"}


@pytest.mark.parametrize("family", FAMILIES)
def test_three_ways_fori_loop_passes(family):
    proof.run("impls.rnn_fori", "rnn_forward", family)


def test_three_ways_benchmark_measures_the_lesson(tmp_path):
    """The benchmark runs (short lengths) and shows what it is for: the scan and fori_loop
    programs keep their size as T grows, the unrolled one grows with T."""
    bench = importlib.import_module("benchmarks.rnn_three_ways")
    rows = bench.main(["--lengths", "2", "6", "--hidden", "3", "--features", "2", "--repeats", "2",
                       "--out", str(tmp_path)])
    size = {(r.version, r.length): r.equations for r in rows}
    assert size["lax.scan", 2] == size["lax.scan", 6]
    assert size["lax.fori_loop", 2] == size["lax.fori_loop", 6]
    assert size["python for", 6] > size["python for", 2]
    assert (tmp_path / "rnn_three_ways.png").stat().st_size > 0
    assert "| 6 | lax.scan |" in (tmp_path / "rnn_three_ways.md").read_text()
