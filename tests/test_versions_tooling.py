"""The version matrix's own tooling (versions/): exact storage of values, distances in ulps, the
committed inputs, and the classification of changes between two versions' results."""
from __future__ import annotations

import json
import math
import struct

import numpy as np
import pytest

from scanprops.catalog import CATALOG
from versions import codec, compare, record
from versions.pairs import ADMITTED, PAIRS, version_key


def f32(*values) -> dict:
    return codec.encode_array(np.asarray(values, dtype=np.float32))


def test_values_round_trip_exactly():
    big = np.random.default_rng(0).standard_normal((9, 11)).astype(np.float32)  # b64
    small = np.array([-0.0, np.nan, np.inf, -np.inf, 1e-45, 3.4028235e38], np.float32)  # hex
    for arr in (big, small, np.arange(5, dtype=np.int32), np.zeros((0, 3), np.float32), np.float32(0.1)):
        back = codec.decode(json.loads(json.dumps(codec.encode(arr))))
        assert type(back) is type(arr) and back.dtype == arr.dtype and np.shape(back) == np.shape(arr)
        assert np.asarray(back).tobytes() == np.asarray(arr).tobytes()
    assert "b64" in codec.encode_array(big) and "hex" in codec.encode_array(small)
    tree = {"w": np.ones((2, 2), np.float32), "n": 3, "tol": 1e-6}
    back = codec.decode(codec.encode(tree))
    assert back["n"] == 3 and back["tol"] == 1e-6 and np.array_equal(back["w"], tree["w"])


def test_polynomials_round_trip():
    from scanprops.strategies.functions import Poly

    p = Poly((-2.0, 0.0, 1.0))
    assert codec.decode(codec.encode(p)) == p


def test_ulp_distances():
    one = np.float32(1.0)
    after = np.nextafter(one, np.float32(2))
    tiny = np.float32(1e-45)  # the smallest subnormal
    a = f32(1.0, 0.0, -tiny, np.nan, np.nan, np.inf, 1.0, -1.0)
    b = f32(after, -0.0, tiny, np.nan, 1.0, np.inf, np.inf, -float(after))
    assert codec.ulp_distances(a, b) == [1.0, 0.0, 2.0, 0.0, math.inf, 0.0, math.inf, 1.0]
    assert codec.abs_differences(f32(1.0, np.nan), f32(1.5, np.nan)) == [0.5, 0.0]
    ints = codec.encode_array(np.array([3, 7], np.int32))
    assert codec.ulp_distances(ints, codec.encode_array(np.array([3, 9], np.int32))) == [0.0, 2.0]
    with pytest.raises(ValueError):
        codec.ulp_distances(f32(1.0), f32(1.0, 2.0))
    # bit patterns straight from struct, across the sign: -1 ulp below 0 and +1 above are 2 apart
    below = struct.unpack("<f", struct.pack("<I", 0x80000001))[0]
    above = struct.unpack("<f", struct.pack("<I", 0x00000001))[0]
    assert codec.ulp_distances(f32(below), f32(above)) == [2.0]


def test_the_committed_inputs_cover_every_row_in_signature_order():
    stored = json.loads(record.INPUTS.read_text())["rows"]
    assert set(stored) == {p.name for p in CATALOG}
    for problem in CATALOG:
        assert len(stored[problem.name]) >= 3
        for case in stored[problem.name]:
            names = list(case)
            assert names == list(problem.argnames[: len(names)]), (problem.name, names)
            for value in case.values():
                codec.decode(value)


def test_the_pairs_are_listed_once_oldest_first():
    assert [version_key(j) for j, _ in PAIRS] == sorted(version_key(j) for j, _ in PAIRS)
    assert PAIRS[0] == ("0.4.30", "0.10.3")
    assert not set(ADMITTED) & set(PAIRS)
    from pathlib import Path

    root = Path(record.ROOT)
    assert "0.10.3" not in (root / "noxfile.py").read_text()  # the noxfile reads versions/pairs.py
    assert "versions.pairs oldest" in (root / ".ci" / "run").read_text()


def test_api_names_follow_module_level_transforms():
    """scan_rnn_forward calls a module-level `nn.scan(nn.GRUCell, ...)`: both are found."""
    import impls.reference as reference

    names = record.api_names(reference.scan_rnn_forward)
    assert {"flax.linen.scan", "flax.linen.GRUCell", "jax.random.PRNGKey"} <= set(names)
    assert "jax.lax.scan" in record.api_names(reference.running_sum)
    assert record.signature(lambda a, b=1, *c, d=None, **e: 0) == "(a, b=1, *c, d=None, **e)"


# --- classification, on made-up recordings ---------------------------------------------------------
def _case(*values, allowed=1e-6, params=None) -> dict:
    entry = {"plain": {"out": [f32(*values)]}, "jit": "same as plain",
             "allowed": codec.encode_array(np.float64(allowed))}
    if params:
        entry["params_sha256"] = params
    return entry


def _golden(rows: dict, flag: bool, **row_extra) -> dict:
    return {"environment": {"jax_threefry_partitionable": flag}, "rows": {
        name: {"cases": cases, "warnings": {}, "apis": {}, **row_extra.get(name, {})} for name, cases in rows.items()}}


def _report(verdicts: dict) -> dict:
    return {"verdict": "fail" if "fail" in verdicts.values() else "pass",
            "problems": {name: {"verdict": v, "properties": {"oracle": {"verdict": v}}}
                         for name, v in verdicts.items()}}


def test_changes_are_classified():
    up = float(np.nextafter(np.float32(1.0), np.float32(2)))
    old = compare.Version("0.4.38", report=_report({"a": "pass", "b": "pass", "c": "pass", "d": "pass", "e": "pass"}),
                          golden=_golden({"a": [_case(1.0)], "b": [_case(1.0)], "c": [_case(1.0, params="p")],
                                          "d": [_case(1.0)], "e": [_case(1.0)]}, False,
                                         e={"apis": {"jax.lax.scan": "(f, init, xs=None)"}}),
                          flipped=_golden({"c": [_case(5.0, params="q")]}, True))
    new = compare.Version("0.5.3", report=_report({"a": "pass", "b": "pass", "c": "pass", "d": "fail", "e": "pass"}),
                          golden=_golden({"a": [_case(1.0)], "b": [_case(up)], "c": [_case(5.0, params="q")],
                                          "d": [_case(1.5)],
                                          "e": [{"plain": {"error": "TypeError: no"}, "jit": {"error": "x"}}]},
                                         True, e={"apis": {"jax.lax.scan": "(f, init, xs=None, length=None)"}}))
    found = {name: compare.classify(old, new, name) for name in "abcde"}
    assert found["a"].classes == ["same"]
    assert found["b"].classes == ["numerics"] and found["b"].diff.ulps == 1
    assert found["c"].classes == ["random stream"]
    assert "bit for bit" in found["c"].notes[0] and "bit-identical in 1 of 1" in found["c"].notes[0]
    assert found["d"].classes == ["verdict", "values"]
    assert found["e"].classes[0] == "API"
    assert any("raises `TypeError: no`" in n for n in found["e"].notes)
    assert any("+length=None" in n for n in found["e"].notes)
    lines, ok = compare.report([old, new], all_pairs=False)
    assert ok is False  # a failing verdict
    assert any("random stream" in line for line in lines)


def test_record_row_keeps_outputs_errors_warnings_and_signatures():
    """record.record_row on a made-up row: a warning raised in a call is kept, an error is
    stored as the call's result, jit is stored only where its bits differ."""
    import types
    import warnings

    from scanprops.cases import Case
    from scanprops.seam import ImplFailure, Outcome
    from scanprops.tolerance import Allowance

    def fn(xs):
        return xs

    def call(problem, case, how):
        if case["xs"].size == 0:
            raise ImplFailure("ValueError: empty")
        warnings.warn("old spelling", DeprecationWarning, stacklevel=1)
        return Outcome(np.asarray(case["xs"]) * (2 if type(how).__name__ == "Jit" else 1))

    problem = types.SimpleNamespace(name="fn", allowance=lambda case: Allowance(steps=1, width=1, scale=1.0))
    cases = [Case.of(xs=np.ones(3, np.float32)), Case.of(xs=np.zeros(0, np.float32))]
    row = record.record_row(problem, cases, call, types.SimpleNamespace(fn=fn))
    assert row["warnings"] == {"DeprecationWarning: old spelling": 2}
    assert row["cases"][0]["jit"]["out"] != row["cases"][0]["plain"]["out"]
    assert row["cases"][1]["plain"] == {"error": "ValueError: empty"}
    assert row["apis"] == {}
