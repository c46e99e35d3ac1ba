"""The protocol's records (scanprops/wire.py): what a reply must be before the judge uses it, and
that a child's copy of the module, loaded by its path as a child loads it, speaks the same."""
from __future__ import annotations

import importlib.util
import pickle
import sys

import numpy as np
import pytest

from scanprops import wire

NONCE = b"n" * 16


def frame(kind, fields, nonce=NONCE, version=wire.VERSION) -> bytes:
    return pickle.dumps((version, nonce, kind, fields))


def child_copy():
    """wire.py by its path, under another name and outside sys.modules, as scanprops/child/main.py
    loads it."""
    spec = importlib.util.spec_from_file_location("_scanprops_wire_test", wire.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "_scanprops_wire_test" not in sys.modules
    return module


@pytest.mark.parametrize("reply,request_kind", [
    (wire.Ok(("a", "<f4", (2,), b"\0" * 8), ("TFRT_CPU_0",)), wire.Call),
    (wire.Ok(b"program", ()), wire.Export),
    (wire.Fail("f raised", "line 3"), wire.Run),
    (wire.NotImported("no such file"), wire.Load),
    (wire.OutOfMemory("out of memory"), wire.Call),
    (wire.AnswerKey("import impls"), wire.Inspect),
    (wire.Tampered("jax.jit"), wire.Stats),
    (wire.Ready(123, {"seccomp": True}), wire.Config),
])
def test_a_reply_in_protocol_comes_back_as_its_record(reply, request_kind):
    child = child_copy()
    same = getattr(child, type(reply).__name__)(*[getattr(reply, f) for f in reply.__dataclass_fields__])
    sent = child.encode(NONCE, same)
    assert wire.decode_reply(sent, NONCE, request_kind) == reply


def test_a_request_reaches_the_child_as_its_record():
    request = wire.Call("m.py", "running_sum", ("n",), ("xs", ("keyword", "n")), [("value", np.zeros(2))], ("plain",))
    nonce, got = child_copy().decode_request(wire.encode(NONCE, request))
    assert nonce == NONCE and type(got).__name__ == "Call" and got.names == request.names and got.how == ("plain",)


@pytest.mark.parametrize("data,says", [
    (pickle.dumps((wire.VERSION, NONCE, "ok", {"value": np.zeros(2), "devices": ()})), "other than data"),
    (pickle.dumps(wire.Ok(None, ())), "other than data"),  # the record itself: a class, refused
    (pickle.dumps(("ok", None)), "not one"),
    (frame("ok", {"value": None, "devices": ()}, version=1), "protocol version 1"),
    (frame("ok", {"value": None, "devices": ()}, nonce=b"x" * 16), "nonce"),
    (frame("verdict", {"value": "pass"}), "unknown reply kind"),
    (frame("ready", {"pid": 1, "layers": {}}), "where none belongs"),
    (frame("load_error", {"text": "x"}), "where none belongs"),  # only a Load may be answered so
    (frame("ok", (None, ())), "wrong shape"),  # version 1's positional payload
    (frame("ok", {"value": None}), "wrong shape"),
    (frame("ok", {"value": None, "devices": (), "verdict": "pass"}), "wrong shape"),
    (frame("ok", {"value": None, "devices": ["cpu"]}), "as devices"),
    (frame("ok", {"value": None, "devices": ("cpu", 0)}), "as devices"),
    (frame("fail", {"summary": 3, "detail": ""}), "as summary"),
    (frame("fail", {"summary": True, "detail": ""}), "as summary"),
])
def test_a_reply_out_of_protocol_is_refused(data, says):
    with pytest.raises(wire.ProtocolError, match=says):
        wire.decode_reply(data, NONCE, wire.Call)


def test_every_request_has_its_answers_and_every_record_its_kind():
    assert set(wire.ANSWERS) == set(wire.REQUESTS.values())
    assert all(set(answers) <= set(wire.REPLIES.values()) for answers in wire.ANSWERS.values())


def _frame(fields: dict, kind: str = "ok") -> tuple[bytes, bytes]:
    nonce = wire.new_nonce()
    return pickle.dumps((wire.VERSION, nonce, kind, fields), protocol=pickle.HIGHEST_PROTOCOL), nonce


def test_a_frame_that_shares_objects_is_refused_before_it_is_built():
    """280 bytes whose dict keys share one tuple 20-fold over 6 levels: unpickled, hashing them
    takes seconds (twenty times more per level). Refused from the opcodes, in well under that."""
    import time

    key = ()
    for _ in range(6):
        key = (key,) * 20
    data, nonce = _frame({"value": {key: 1}, "devices": None})
    start = time.perf_counter()
    with pytest.raises(wire.ProtocolError, match="shares objects"):
        wire.decode_reply(data, nonce, wire.Call)
    assert time.perf_counter() - start < 0.1


def test_a_frame_nested_deeper_than_any_reply_is_refused():
    deep: tuple = ()
    for _ in range(wire.MAX_DEPTH + 1):
        deep = (deep,)
    data, nonce = _frame({"value": deep, "devices": None})
    with pytest.raises(wire.ProtocolError, match="nested more than"):
        wire.decode_reply(data, nonce, wire.Call)


def test_a_long_flat_reply_is_not_mistaken_for_a_deep_one():
    """A list of many items is pickled in batches (APPENDS): its depth stays one."""
    nonce = wire.new_nonce()
    data = wire.encode(nonce, wire.Fail("x" * 100, "\n".join(str(i) for i in range(10))))
    assert wire.decode_reply(data, nonce, wire.Call).summary == "x" * 100
    many, nonce = _frame({"summary": "s", "detail": "d", "extra": list(range(100_000))}, kind="fail")
    with pytest.raises(wire.ProtocolError) as refused:  # an unknown field, refused for that reason
        wire.decode_reply(many, nonce, wire.Call)
    assert "nested" not in str(refused.value) and "shares" not in str(refused.value)
