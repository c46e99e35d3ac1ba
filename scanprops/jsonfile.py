"""JSON files written atomically: the JSON report, the grading tables and the platforms'
result files all go through `write`."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def write(path: str | Path, data, *, ensure_ascii: bool = True) -> None:
    """Write `data` as indented JSON: a temporary file in the same folder, flushed to disk, then a
    rename, so a reader never sees half a file (and a crash mid-write leaves the previous file,
    not a broken one). `ensure_ascii=False` writes non-ASCII text as UTF-8 instead of \\u escapes."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(json.dumps(data, indent=2, ensure_ascii=ensure_ascii) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
