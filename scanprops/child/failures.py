"""What the code under test raising tells the judge: a CallError (a summary and a detail, for a
person; the child sends it as a Fail reply), a MemoryLimit (an OutOfMemory reply), and how an
exception becomes one, with the learner's own frames (never JAX's or the harness's)."""
from __future__ import annotations

import traceback


class CallError(Exception):
    """The code under test did not produce a usable result; summary and detail, for a person."""

    def __init__(self, summary: str, detail: str = ""):
        super().__init__(summary)
        self.summary = summary
        self.detail = detail


class MemoryLimit(CallError):
    pass


def call_error(exc: BaseException, function: str, summary: str | None = None, detail: str | None = None) -> CallError:
    """What the code under test (or its program) raising `exc` tells the judge: out of memory, an
    exit, or `summary` and `detail` (by default: what it raised, and the learner's own frames)."""
    if isinstance(exc, MemoryError):
        return MemoryLimit(f"{function} ran out of memory (MemoryError)")
    if isinstance(exc, SystemExit):
        return CallError(f"{function} called exit({exc.code!r}).", "Never exit the process from a function.")
    text = str(exc)
    if "RESOURCE_EXHAUSTED" in text or "Out of memory" in text:
        return MemoryLimit(f"{function} ran out of memory: {first_line(exc)}")
    return CallError(summary or f"{function} raised {type(exc).__name__}: {first_line(exc)}",
                     learner_frames(exc) if detail is None else detail)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else "(no message)"


def learner_frames(exc: BaseException) -> str:
    """The traceback lines that point into the learner's file, not into JAX or the harness."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f"  {f.filename}:{f.lineno} in {f.name}: {f.line}" for f in frames
            if "site-packages" not in f.filename and "/scanprops/" not in f.filename]
    full = str(exc).strip()
    return "\n".join(mine[-4:] + ([full] if len(full.splitlines()) > 1 else []))[:2000]
