"""Which submissions a grading run covers: discovery, names, shards, and whether one has been
graded already (resuming)."""
from __future__ import annotations

import glob
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path


class SubmissionsError(Exception):
    """The arguments do not name any gradable submission; the message says why."""


@dataclass(frozen=True)
class Submission:
    name: str  # unique within the run; also its folder name under --out
    module: Path  # the .py file verified

    def digest(self) -> str:
        return hashlib.sha256(self.module.read_bytes()).hexdigest()


def _python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix == ".py" and p.is_file() and not p.name.startswith("."))


def _in_folder(folder: Path, module: str | None) -> Path | None:
    """The solution module a submission folder holds: the one named `module`, else its only .py file."""
    if module:
        found = folder / module
        return found if found.is_file() else None
    files = _python_files(folder)
    return files[0] if len(files) == 1 else None


def discover(arguments: list[str], module: str | None = None) -> list[Submission]:
    """Submissions from files, folders holding one solution module, folders of those, or globs.

    A folder is one submission when it holds a file named `module`, or else exactly one .py file
    and no sub-folder holding one; otherwise each .py file and each sub-folder holding a
    solution module in it is a submission of its own.
    """
    found: list[tuple[str, Path]] = []
    for argument in arguments:
        paths = [Path(p) for p in sorted(glob.glob(argument))] if glob.has_magic(argument) else [Path(argument)]
        if not paths or not all(p.exists() for p in paths):
            raise SubmissionsError(f"{argument}: no such file or folder")
        for path in paths:
            if path.is_file():
                if path.suffix != ".py":
                    raise SubmissionsError(f"{path}: not a Python file (.py)")
                found.append((path.stem, path))
                continue
            folders = []
            for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith((".", "__"))):
                chosen = _in_folder(sub, module)
                if chosen is not None:
                    folders.append((sub.name, chosen))
            single = _in_folder(path, module)
            if single is not None and (module or not folders):
                found.append((path.resolve().name, single))
                continue
            inner = ([(p.stem, p) for p in _python_files(path)] if not module else []) + folders
            if not inner:
                what = f"a file named {module}" if module else "a .py file"
                raise SubmissionsError(f"{path}: holds no submission ({what}, or folders holding one)")
            found += inner
    return _unique(found)


def _unique(found: list[tuple[str, Path]]) -> list[Submission]:
    seen: dict[Path, Submission] = {}
    names: set[str] = set()
    for name, path in found:
        path = path.resolve()
        if path in seen:
            continue
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "submission"
        unique, n = base, 2
        while unique in names:
            unique, n = f"{base}-{n}", n + 1
        names.add(unique)
        seen[path] = Submission(unique, path)
    return sorted(seen.values(), key=lambda s: s.name)


def parse_shard(text: str) -> tuple[int, int]:
    """`i/n` with 1 <= i <= n."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text or "")
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise SubmissionsError(f"--shard {text}: expected i/n with 1 <= i <= n, e.g. 2/8")
    return int(match[1]), int(match[2])


def in_shard(submission: Submission, index: int, count: int) -> bool:
    """Deterministic and stable: by a hash of the name, so every machine of an array job agrees
    and adding a submission moves no other one to another shard."""
    bucket = int(hashlib.sha256(submission.name.encode()).hexdigest(), 16) % count
    return bucket == index - 1


def fingerprint() -> str:
    """The judge's identity: its version and a hash of its source (package, strategies, property
    tests), so that a changed harness regrades even when its version number did not move."""
    from importlib import metadata

    from scanprops.isolation import judge_dirs

    digest = hashlib.sha256()
    for folder in judge_dirs():
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in (".py", ".ini") and "__pycache__" not in path.parts:
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        version = metadata.version("scanprops")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"{version}+{digest.hexdigest()[:16]}"


def already_graded(folder: Path, key: dict) -> bool:
    """Graded before with the same key (harness, environment, file content, settings)?"""
    try:
        stamp = json.loads((folder / "graded.json").read_text())
    except (OSError, ValueError):
        return False
    stamp.pop("seconds", None)  # how long it took is recorded, not part of the key
    return stamp == key and (folder / "report.json").is_file()
