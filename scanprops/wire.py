"""The bytes on the pipes between the judge and its children: the one place they are defined.

Every frame is a pickle of one tuple of builtins, `(VERSION, nonce, kind, payload)`. The judge
sends a fresh random nonce with each request; a reply must carry it back, with a kind the
request allows and a payload of the shape that kind has, or it is a ProtocolError (the judge
then says `error` and stops the child, never uses the frame). Replies are read with an
unpickler that refuses every class (only builtins come back: numbers, strings, bytes, tuples,
lists, dicts), within a byte limit, and described for messages without recursion or `repr`
(`describe`), so a self-referencing or exponentially shared structure costs nothing to report.

Requests (judge to child), by kind and payload:
- "config": the child's start-up settings (a dict; the first frame, nonce included);
- "load" (spec, label); "inspect" (spec, catalog); "stats" ();
- "call" (spec, function, static, names, values, how): run one described call in the process
  of the code under test (plain and device calls); "export" (same payload): trace and lower the
  described transformation of it with jax.export and send back the serialized program;
- to the runner, which never imports a submission: "run" (program bytes, arguments) and
  "inspect_program" (program bytes, arguments).
Replies (child to judge): "ready" (pid, layers), "ok" (value, devices), "fail" (summary,
detail), "load_error" (text), "memory" (text), "answer_key" (text), "tamper" (text).

Standard library only: the children load this file by its path (they never import scanprops).
"""
from __future__ import annotations

import io
import os
import pickle

__all__ = ["VERSION", "MAX_FRAME_BYTES", "REPLY_ARITY", "ProtocolError", "new_nonce", "encode", "decode_request",
           "decode_reply", "describe", "text"]

VERSION = 1
MAX_FRAME_BYTES = 256 * 2**20  # the largest reply read (a full-catalog result is a few MB)
REPLY_ARITY = {"ready": 2, "ok": 2, "fail": 2, "load_error": 1, "memory": 1, "answer_key": 1, "tamper": 1}


class ProtocolError(Exception):
    """A frame that is not what the protocol allows: out of turn, of another version, not data."""


def new_nonce() -> bytes:
    return os.urandom(16)


def encode(nonce: bytes, kind: str, payload: tuple) -> bytes:
    return pickle.dumps((VERSION, nonce, kind, payload), protocol=pickle.HIGHEST_PROTOCOL)


def decode_request(data: bytes) -> tuple[bytes, str, tuple]:
    """The child's side: the judge is trusted, its frames are read as they are."""
    version, nonce, kind, payload = pickle.loads(data)
    if version != VERSION:
        raise ProtocolError(f"protocol version {version}, this side speaks {VERSION}")
    return nonce, kind, payload


class _DataOnly(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("persistent ids are not plain data")


def decode_reply(data: bytes, nonce: bytes, allowed=REPLY_ARITY) -> tuple[str, tuple]:
    """The judge's side: (kind, payload) of a reply to the request that sent `nonce`, or
    ProtocolError saying what was wrong with it."""
    try:
        frame = _DataOnly(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001  (any malformed pickle)
        raise ProtocolError(f"it sent something other than data ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not (type(frame) is tuple and len(frame) == 4):
        raise ProtocolError(f"it sent a frame that is not one: {describe(frame)}")
    version, got, kind, payload = frame
    if version != VERSION:
        raise ProtocolError(f"it speaks protocol version {describe(version)}, not {VERSION}")
    if type(got) is not bytes or got != nonce:
        raise ProtocolError("it answered out of turn (the reply does not carry the request's nonce)")
    if type(kind) is not str or kind not in allowed:
        raise ProtocolError(f"it sent an unknown reply kind {describe(kind)}")
    if type(payload) is not tuple or len(payload) != allowed[kind]:
        raise ProtocolError(f"its {kind!r} reply has the wrong shape: {describe(payload)}")
    return kind, payload


def describe(value, limit: int = 200) -> str:
    """A short description of untrusted data: type names, lengths and the first few items to a
    small depth; never recursive beyond that, never `repr` of a container."""

    def one(v, depth: int) -> str:
        t = type(v)
        if t in (int, float, bool, complex) or v is None:
            return str(v)[:40]
        if t is str:
            return repr(v[:40]) + ("..." if len(v) > 40 else "")
        if t in (bytes, bytearray):
            return f"{t.__name__}[{len(v)}]"
        if t in (tuple, list):
            if depth >= 2:
                return f"{t.__name__}[{len(v)}]"
            inner = ", ".join(one(x, depth + 1) for x in v[:4]) + (", ..." if len(v) > 4 else "")
            return f"({inner})" if t is tuple else f"[{inner}]"
        if t is dict:
            if depth >= 2:
                return f"dict[{len(v)}]"
            items = list(v.items())[:4]
            return "{" + ", ".join(f"{one(k, 2)}: {one(x, depth + 1)}" for k, x in items) + (", ..." if len(v) > 4 else "") + "}"
        return t.__name__

    out = one(value, 0)
    return out if len(out) <= limit else out[:limit] + "..."


def text(value, limit: int = 4000) -> str:
    """A string the child sent, cut to `limit`; anything else described."""
    return value[:limit] if type(value) is str else describe(value)
