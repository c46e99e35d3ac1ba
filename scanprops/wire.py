"""The bytes on the pipes between the judge and its children: the one place they are defined.

Every message is one of the records below, and every frame is a pickle of one tuple of builtins,
`(VERSION, nonce, kind, fields)`: `kind` names the record, `fields` is a dict of its fields'
values (builtins, NumPy arrays in the judge's requests), never the record itself, so no class
crosses a pipe. The judge sends a fresh random nonce with each request; a reply must carry it
back, with a kind the request allows and exactly the fields that kind has, each of its type, or
it is a ProtocolError (the judge then says `error` and stops the child, never uses the frame).
Replies are read with an unpickler that refuses every class (only builtins come back: numbers,
strings, bytes, tuples, lists, dicts), within a byte limit, rebuilt as records here only after
those checks, and described for messages without recursion or `repr` (`describe`), so a
self-referencing or exponentially shared structure costs nothing to report.

What a field holds inside (arguments, call kinds, results) is the business of the two sides'
value codecs, which check it again: scanprops/payloads.py (the judge's) and
scanprops/child/values.py (the child's).

Standard library only: the children load this file by its path (they never import scanprops).
"""
import dataclasses
import io
import os
import pickle
import pickletools
import types
from dataclasses import dataclass

__all__ = ["VERSION", "MAX_FRAME_BYTES", "MAX_DEPTH", "MAX_TEXT", "REQUESTS", "REPLIES", "ANSWERS", "ProtocolError",
           "new_nonce", "encode", "decode_request", "decode_reply", "describe", "text",
           "Config", "Load", "Inspect", "Stats", "Call", "Export", "Run", "InspectProgram",
           "Ready", "Ok", "Fail", "NotImported", "OutOfMemory", "AnswerKey", "Tampered"]

VERSION = 2  # 1: positional payloads; 2: named fields
MAX_FRAME_BYTES = 256 * 2**20  # the largest reply read (a full-catalog result is a few MB)
MAX_TEXT = 4000  # the longest text a reply carries (the child cuts its own to it)


# --- requests: the judge to a child --------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    """The child's start-up settings: its first frame, nonce included (scanprops/isolation.py
    writes them, scanprops/child/main.py reads them)."""

    settings: dict


@dataclass(frozen=True)
class Load:
    """Import the implementation `spec` (a .py path or a dotted name), named `label` by the person."""

    spec: str
    label: str


@dataclass(frozen=True)
class Inspect:
    """Which of the catalog's functions ({name: (argnames, signature)}) `spec` defines, and whose
    signature does not fit."""

    spec: str
    catalog: dict


@dataclass(frozen=True)
class Stats:
    """What the child compiled since the last ask (the speed benchmark's counts)."""


@dataclass(frozen=True)
class Call:
    """Run one described call of `function` in the code under test's process (plain and device
    calls): `names` are the passed arguments' names in call order (("keyword", name) for one
    passed by keyword), `values` their encoded values, `how` the encoded call kind."""

    spec: str
    function: str
    static: tuple[str, ...]
    names: tuple
    values: list
    how: tuple


@dataclass(frozen=True)
class Export:
    """Trace and lower the described transformation of `function` with jax.export, from the
    inputs' shapes (`values` holds specs for the dynamic ones), and send back the serialized
    program: `how` is ("jit",), ("grad", wrt, cotangent spec) or ("vmap", size, mapped)."""

    spec: str
    function: str
    static: tuple[str, ...]
    names: tuple
    values: list
    how: tuple


@dataclass(frozen=True)
class Run:
    """To the runner, which never imports a submission: run `program` (jit, grad for the
    arguments `wrt`, or vmap) on the encoded arguments."""

    program: bytes
    function: str
    kind: str
    wrt: tuple[str, ...]
    values: list


@dataclass(frozen=True)
class InspectProgram:
    """To the runner: the program's size and loops, and what it computes on the arguments."""

    program: bytes
    function: str
    values: list


# --- replies: a child to the judge ---------------------------------------------------------------
@dataclass(frozen=True)
class Ready:
    """The first reply: the child's pid and the kernel's layers it applied, sent before any
    submission code ran in it."""

    pid: int
    layers: dict


@dataclass(frozen=True)
class Ok:
    """A result (its structure checked by the judge's codec) and the devices it lives on."""

    value: object
    devices: tuple[str, ...]


@dataclass(frozen=True)
class Fail:
    """The call produced no usable result: for a person, in a line and in detail."""

    summary: str
    detail: str


@dataclass(frozen=True)
class NotImported:
    """The implementation cannot be imported: why."""

    text: str


@dataclass(frozen=True)
class OutOfMemory:
    """The call ran out of memory."""

    text: str


@dataclass(frozen=True)
class AnswerKey:
    """The submission tried to import or read the harness's own code: what it tried."""

    text: str


@dataclass(frozen=True)
class Tampered:
    """The submission changed JAX, NumPy or builtins: what changed."""

    text: str


REQUESTS = {"config": Config, "load": Load, "inspect": Inspect, "stats": Stats, "call": Call, "export": Export,
            "run": Run, "inspect_program": InspectProgram}
REPLIES = {"ready": Ready, "ok": Ok, "fail": Fail, "load_error": NotImported, "memory": OutOfMemory,
           "answer_key": AnswerKey, "tamper": Tampered}
_KIND = {record: kind for table in (REQUESTS, REPLIES) for kind, record in table.items()}
_RESULTS = (Ok, Fail, OutOfMemory, AnswerKey, Tampered)
# The replies each request allows: the start-up message is answered by Ready alone, a Load may
# also be answered by NotImported; any other reply is out of protocol.
ANSWERS = {Config: (Ready,), Load: (*_RESULTS, NotImported),
           **{request: _RESULTS for request in (Inspect, Stats, Call, Export, Run, InspectProgram)}}


class ProtocolError(Exception):
    """A frame that is not what the protocol allows: out of turn, of another version, not data."""


def new_nonce() -> bytes:
    return os.urandom(16)


def encode(nonce: bytes, message) -> bytes:
    """One frame: the record's kind and its fields' values, as builtins, none shared: the
    pickler's memo is off (`fast`), so an object met twice is written twice, as `decode_reply`
    requires."""
    fields = {f.name: getattr(message, f.name) for f in dataclasses.fields(message)}
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump((VERSION, nonce, _KIND[type(message)], fields))
    return out.getvalue()


def decode_request(data: bytes):
    """The child's side: (nonce, record). The judge is trusted, its frames are unpickled as they
    are; a frame of another version or shape is still a ProtocolError."""
    version, nonce, kind, fields = pickle.loads(data)
    if version != VERSION:
        raise ProtocolError(f"protocol version {version}, this side speaks {VERSION}")
    if kind not in REQUESTS:
        raise ProtocolError(f"an unknown request kind {describe(kind)}")
    return nonce, _rebuild(REQUESTS[kind], kind, fields, "request")


class _DataOnly(pickle.Unpickler):
    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")

    def persistent_load(self, pid):
        raise pickle.UnpicklingError("persistent ids are not plain data")


# Read from a frame's opcodes before it is unpickled: no object may appear twice (a tuple key
# shared 20-fold over 6 levels is 280 bytes whose hashing, while the dicts are built, took a
# second, and every level more costs twenty times that), and nothing may nest deeper than this
# (hashing and printing a nested tuple recurse in C). The child's own replies nest 6 deep.
MAX_DEPTH = 32
_SHARING = frozenset({"GET", "BINGET", "LONG_BINGET", "DUP"})
_OBJECTS = frozenset({"GLOBAL", "STACK_GLOBAL", "INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "REDUCE", "BUILD",
                      "EXT1", "EXT2", "EXT4", "PERSID", "BINPERSID"})  # classes and calls: never data
_REMEMBERS = frozenset({"MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT"})
_ADDS = frozenset({"APPEND", "APPENDS", "SETITEM", "SETITEMS", "ADDITEMS"})  # into the container below


def _plain_frame(data: bytes) -> None:
    """ProtocolError unless the pickle shares no object and nests at most MAX_DEPTH deep. Linear
    in the frame's length: the opcodes are read (pickletools), nothing is built."""
    stack: list = []  # the depth of each value on the unpickler's stack; None for a mark
    for op, _, _ in pickletools.genops(data):
        if op.name in _OBJECTS:
            raise ProtocolError(f"it sent something other than data (the pickle opcode {op.name})")
        if op.name in _SHARING:
            raise ProtocolError("it sent a frame that shares objects (the child's replies never do)")
        if op.name in _REMEMBERS:  # the value on top is kept in the memo, not changed
            continue
        before = op.stack_before
        if pickletools.markobject in before:
            mark = len(stack) - 1 - stack[::-1].index(None)
            items, stack = stack[mark + 1:], stack[:mark]
            below = [stack.pop() for _ in range(before.index(pickletools.markobject))]
        else:
            count = len(before)
            items, stack = (stack[-count:], stack[:-count]) if count else ([], stack)
            below = []
        if op.stack_after == [pickletools.markobject]:
            stack.append(None)
        elif op.stack_after:
            if op.name in _ADDS:  # the container grows: at least one deeper than what it gained
                container, added = (below[0], items) if below else (items[0], items[1:])
                depth = max(container, max(added, default=-1) + 1)
            else:
                depth = max((d for d in items if d is not None), default=-1) + 1
            if depth > MAX_DEPTH:
                raise ProtocolError(f"it sent a frame nested more than {MAX_DEPTH} deep")
            stack.append(depth)


def decode_reply(data: bytes, nonce: bytes, request: type):
    """The judge's side: the reply record to the request (of the record type `request`) that sent
    `nonce`, one that request allows (ANSWERS), or ProtocolError saying what was wrong with it."""
    try:
        _plain_frame(data)
    except ProtocolError:
        raise
    except Exception as exc:  # noqa: BLE001  (opcodes pickletools cannot read)
        raise ProtocolError(f"it sent something other than data ({type(exc).__name__}: {str(exc)[:200]})") from None
    try:
        frame = _DataOnly(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001  (any malformed pickle)
        raise ProtocolError(f"it sent something other than data ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not (type(frame) is tuple and len(frame) == 4):
        raise ProtocolError(f"it sent a frame that is not one: {describe(frame)}")
    version, got, kind, fields = frame
    if version != VERSION:
        raise ProtocolError(f"it speaks protocol version {describe(version)}, not {VERSION}")
    if type(got) is not bytes or got != nonce:
        raise ProtocolError("it answered out of turn (the reply does not carry the request's nonce)")
    if type(kind) is not str or kind not in REPLIES:
        raise ProtocolError(f"it sent an unknown reply kind {describe(kind)}")
    if REPLIES[kind] not in ANSWERS[request]:
        raise ProtocolError(f"it sent a {kind!r} reply where none belongs")
    return _rebuild(REPLIES[kind], kind, fields, "reply")


def _rebuild(record, kind: str, fields, what: str):
    """The record of `kind` from its fields' values: exactly its fields, each of its type."""
    declared = dataclasses.fields(record)
    if type(fields) is not dict or set(fields) != {f.name for f in declared}:
        raise ProtocolError(f"its {kind!r} {what} has the wrong shape: {describe(fields)}")
    for f in declared:
        if not _fits(fields[f.name], f.type):
            raise ProtocolError(f"its {kind!r} {what} has {describe(fields[f.name])} as {f.name}, not {_name(f.type)}")
    return record(**fields)


def _fits(value, expected) -> bool:
    """`value` is of the type a field declares: exactly (no subclass), `object` for any data, and
    tuple[T, ...] item by item."""
    if expected is object:
        return True
    if isinstance(expected, types.GenericAlias):
        return type(value) is expected.__origin__ and all(_fits(v, expected.__args__[0]) for v in value)
    return type(value) is expected


def _name(expected) -> str:
    return str(expected) if isinstance(expected, types.GenericAlias) else getattr(expected, "__name__", str(expected))


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
            more = ", ..." if len(v) > 4 else ""
            return "{" + ", ".join(f"{one(k, 2)}: {one(x, depth + 1)}" for k, x in items) + more + "}"
        return t.__name__

    out = one(value, 0)
    return out if len(out) <= limit else out[:limit] + "..."


def text(value, limit: int = MAX_TEXT) -> str:
    """A string the child sent, cut to `limit`; anything else described."""
    return value[:limit] if type(value) is str else describe(value)
