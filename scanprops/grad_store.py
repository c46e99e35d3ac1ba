"""The oracle's float64 gradients, kept on disk across runs, beside the judge's compiled programs.

Draws are derandomized, so every run, and every submission a grader runs, asks the oracle for the
same gradients; each is the Python loop differentiated op by op in float64 (seconds for the
Flax rows, most of it compiling). They are kept in the judge's cache folder (scanprops/
compile_cache.py: on and off with it), under `oracle-grads-<digest>/`, where the digest hashes
the sources that decide a gradient (the oracles, the catalog, expect.py, perturbed.py, problem.py,
compat.py)
and NumPy's version (the folder is per JAX version already): a changed oracle starts afresh. A
file is named by a hash of the request (row, input, arguments, cotangent) and holds the
gradient's leaves only, as .npz without pickle; the tree comes from the input's own arguments,
which a gradient mirrors, and a file whose leaves do not fit them is ignored and replaced.

Only the judge's processes write here. Code under test never can: its child's audit hook
refuses writes outside its own folders (scanprops/child/guards.py).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path

import jax
import numpy as np

_FOLDER: Path | None = None
SOURCES = ("oracles", "catalog", "expect.py", "perturbed.py", "problem.py", "compat.py")  # under scanprops/


def _digest() -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(np.__version__.encode())
    for name in SOURCES:
        top = package / name
        for path in sorted(top.rglob("*.py")) if top.is_dir() else [top]:
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def use(judge_folder: str | None) -> None:
    """Keep gradients under the judge's cache folder, or nowhere (None: the cache is off)."""
    global _FOLDER
    _FOLDER = None
    if judge_folder is None:
        return
    folder = Path(judge_folder) / f"oracle-grads-{_digest()}"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return
    _FOLDER = folder


def _path(request: bytes) -> Path | None:
    return None if _FOLDER is None else _FOLDER / f"{hashlib.sha256(request).hexdigest()}.npz"


def load(request: bytes, arguments: tuple) -> tuple | None:
    """The gradients stored for `request` (pickled row, input, wrt, cotangent), shaped as
    `arguments` (the differentiated arguments' values); None when absent or not fitting."""
    path = _path(request)
    if path is None or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as stored:
            leaves = [stored[f"arr_{i}"] for i in range(len(stored.files))]
    except (OSError, ValueError, KeyError):
        return None
    out, at = [], 0
    for argument in arguments:
        flat, tree = jax.tree_util.tree_flatten(argument)
        mine = leaves[at:at + len(flat)]
        at += len(flat)
        if len(mine) != len(flat) or any(m.shape != np.shape(a) or m.dtype != np.float64 for m, a in zip(mine, flat)):
            return None
        out.append(jax.tree_util.tree_unflatten(tree, mine))
    return tuple(out) if at == len(leaves) else None


def save(request: bytes, grads: tuple) -> None:
    """Store `grads` for `request`, atomically (workers of one run may write the same file)."""
    path = _path(request)
    if path is None:
        return
    leaves = [np.asarray(leaf, np.float64) for leaf in jax.tree_util.tree_leaves(grads)]
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            np.savez(out, *leaves)
        os.replace(temp, path)
    except OSError:
        pass


def request(name: str, case, wrt: tuple[str, ...], cotangent: np.ndarray, kind: str = "gradient") -> bytes:
    """The key of one stored result: its kind ("gradient", or its "magnitudes", expect.py), row,
    input, differentiated arguments and cotangent."""
    return pickle.dumps((kind, name, case, wrt, np.asarray(cotangent)))
