"""JAX's persistent compilation cache, for warm runs: the parent's and the children's, apart.

A run spends most of its time compiling (JIT programs of the code under test at many shapes, and
the oracle's float64 gradients); with the cache on, the next run of the same module loads most
programs from disk instead. On by default, in a per-user folder:

    $SCANPROPS_CACHE_DIR, else $XDG_CACHE_HOME/scanprops, else ~/.cache/scanprops

Off with `--compile-cache=off` or SCANPROPS_COMPILE_CACHE=0 (the option wins over the variable).

Two kinds of folder, never shared, each keyed on the JAX and jaxlib versions:

- `judge-<jax>-<jaxlib>/`: the pytest controller and workers (the harness's own programs: the
  oracles' float64 gradients; and those gradients' values, scanprops/grad_store.py). No code
  under test ever writes here (a compiled program loaded from the cache is native code, and the
  judge must not run what a submission wrote) or reads it (the gradients are the answer key).
- `code-under-test-<jax>-<jaxlib>/<key>/`: the sandboxed children (scanprops/child/),
  whose audit hook lets them write there and in their temporary folder only. The parent
  chooses the folder and sends it; the child never derives it from its environment.
  `<key>` is per submission: `sha256-<first 16 hex digits>` of the implementation file's
  contents (and its path or module name), or `harness` for the harness's own implementations. So a
  submission can reach only its own later runs (and identical copies of itself), never another
  submission's: a shared folder would let one submission leave crafted programs that the next
  submission's child loads and runs, changing that submission's results. `scanprops grade` keys
  so always (`--compile-cache-key=submission`).
- `code-under-test-<jax>-<jaxlib>/fn-<first 16 hex digits>/`: a learner's run (`scanprops check`,
  `check --watch`, `pytest --impl`: `--compile-cache-key=function`, the default) also gives each
  function of the file a folder keyed by its fingerprint (scanprops/fingerprint.py: a hash of the
  function and of everything in the module it reaches, read from the source text, never by
  running it). The child switches JAX's cache to that folder for each call of that function
  (scanprops/child/jax_cache.py), so that an edit of one function recompiles that function
  and those that reach what changed, not the whole file. Where the fingerprint falls back (a star
  import, exec, a dynamic getattr, a name it cannot resolve), that function's programs go to the
  submission's folder, as in a grader's run. What the child compiles at import goes there too.
  The child may write in its submission's folder and in the folders of its own functions only:
  a file can leave programs only for files that share a function with it, to the letter, which on
  a learner's machine are the learner's own versions of that function. The judge's store of the
  programs the children exported (`judge-<jax>-<jaxlib>/exported-programs/`, written by the judge
  alone: scanprops/isolation.py) is keyed the same way: by the function's fingerprint where it
  has one, else by the file's contents.

- `code-under-test-<jax>-<jaxlib>/runner/`: the runner's (scanprops/isolation.py), which compiles
  the programs the submissions' children export and imports no submission. Shared by every
  submission: what is cached there was compiled by a runner from StableHLO it checked, and no
  child of a submission can write there. Two students' identical programs compile once.
JAX writes an entry in place, so a reader can meet it half written under -n auto; the children
and the parent make the writes atomic (scanprops/child/jax_cache.py). Nothing is evicted: each
submission adds its folder (tens of MB); delete the cache root to reclaim the space.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import os
from dataclasses import dataclass
from pathlib import Path

from scanprops import loading

ENV_DIR = "SCANPROPS_CACHE_DIR"
ENV_SWITCH = "SCANPROPS_COMPILE_CACHE"
OFF_WORDS = ("0", "off", "false", "no")


@dataclass(frozen=True)
class Folders:
    judge: str  # the parent's folder
    children: str  # the folder under which each submission's children get theirs
    by_function: bool = False  # a learner's run: each function's folder keyed by its fingerprint


@dataclass(frozen=True)
class ChildFolders:
    """The folders of one child: its submission's, and its functions' ((name, folder) pairs; none
    when keyed per submission). A function without a folder of its own uses the submission's."""
    module: str | None
    functions: tuple[tuple[str, str], ...] = ()

    def folder_of(self, function: str) -> str | None:
        return dict(self.functions).get(function, self.module)

    def key_of(self, function: str) -> str | None:
        """The fingerprint key of `function`'s folder (None: it has none of its own)."""
        found = dict(self.functions).get(function)
        return None if found is None else Path(found).name


def root() -> Path:
    """The per-user cache root (see the module docstring)."""
    given = os.environ.get(ENV_DIR)
    if given:
        return Path(given).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and os.path.isabs(os.path.expanduser(xdg)) else Path.home() / ".cache"
    return base / "scanprops"


def wanted(option: str | None) -> bool:
    """The switch: the pytest option (on/off) when given, else the environment variable, else on."""
    if option is not None:
        return option.strip().lower() not in OFF_WORDS
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in OFF_WORDS


def _versions() -> str:
    from scanprops.report import versions

    found = versions()
    return f"{found['jax']}-{found['jaxlib']}"


KEYS = ("function", "submission")  # --compile-cache-key: a learner's run, a grader's


def folders(option: str | None, *, by_function: bool = False) -> Folders | None:
    """Create the two folders (private to this user) and return them; None when the cache is off
    or its folders cannot be created (a read-only home, say: the run goes on without it).
    `by_function`: a learner's run, whose children key their functions' folders by fingerprint."""
    if not wanted(option):
        return None
    tag = _versions()
    base = root()
    chosen = Folders(str(base / f"judge-{tag}"), str(base / f"code-under-test-{tag}"), bool(by_function))
    try:
        for folder in (chosen.judge, chosen.children):
            Path(folder).mkdir(mode=0o700, parents=True, exist_ok=True)
            if not os.access(folder, os.W_OK):
                return None
    except OSError:
        return None
    return chosen


def use(chosen: Folders | None) -> bool:
    """Point this process's JAX (the judge's side) at its folder, or turn the cache off. Before
    the first compile: JAX reads the setting once."""
    import jax

    from scanprops import grad_store
    from scanprops.child.jax_cache import use_compile_cache  # what a child does with its own folder

    grad_store.use(None if chosen is None else chosen.judge)  # the oracle's gradients live there too
    return use_compile_cache(jax, None if chosen is None else chosen.judge)


def _origin(spec: str, path: tuple[str, ...]) -> str | None:
    """The file of the implementation `spec` (a path, or a dotted name found on `path`), or None."""
    if loading.looks_like_path(spec):
        return spec
    found = importlib.machinery.PathFinder.find_spec(spec.split(".")[0], list(path) or None)
    return found.origin if found is not None and found.origin not in (None, "namespace") else None


def submission_key(spec: str, path: tuple[str, ...], trusted: bool) -> str:
    """The children's sub-folder for one implementation: `harness` for the harness's own, else a
    hash of the implementation file's contents and name (of the name alone if no file is found)."""
    if trusted:
        return "harness"
    digest = hashlib.sha256(spec.encode())
    origin = _origin(spec, path)
    try:
        if origin:
            digest.update(Path(origin).read_bytes())
    except OSError:
        pass
    return f"sha256-{digest.hexdigest()[:16]}"


def children_folder(chosen: Folders | None, spec: str, path: tuple[str, ...], trusted: bool) -> str | None:
    """The folder a child started for this implementation uses (created here), or None."""
    if chosen is None:
        return None
    folder = Path(chosen.children) / submission_key(spec, path, trusted)
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return str(folder)


def function_keys(spec: str, path: tuple[str, ...]) -> dict[str, str]:
    """{function: `fn-<16 hex digits>`}, a hash of the file's absolute path and the function's
    fingerprint (scanprops/fingerprint.py), for the functions of the file of `spec` that have one;
    {} when the file cannot be read or does not parse (the child then says why it cannot import it).

    The path is part of the key because a child may write in all its functions' folders: were
    the key the fingerprint alone, a file could copy another's function (same fingerprint) and,
    from its own other functions or its module's code, plant programs in that folder for the
    other file's next run. Keyed by path, only later versions of the same file share a folder:
    a learner's own edits, which is what the per-function key is for."""
    from scanprops import fingerprint

    origin = _origin(spec, path)
    try:
        text = Path(origin).read_text(errors="replace") if origin else None
    except OSError:
        text = None
    if text is None:
        return {}
    try:
        found = fingerprint.fingerprints(text=text, folder=Path(origin).parent)
    except SyntaxError:
        return {}
    where = str(Path(origin).resolve())
    return {name: "fn-" + hashlib.sha256(f"{where}\0{digest}".encode()).hexdigest()[:16]
            for name, digest in found.items() if digest is not None}


def child_folders(chosen: Folders | None, spec: str, path: tuple[str, ...], trusted: bool) -> ChildFolders | None:
    """The folders of a child started for this implementation (created here), or None when the
    cache is off: its submission's, and in a learner's run (`chosen.by_function`) its functions'."""
    module = children_folder(chosen, spec, path, trusted)
    if module is None:
        return None
    functions = []
    if chosen.by_function and not trusted:
        for name, key in function_keys(spec, path).items():
            folder = Path(chosen.children) / key
            try:
                folder.mkdir(mode=0o700, exist_ok=True)
            except OSError:
                continue  # that function's programs go to the submission's folder
            functions.append((name, str(folder)))
    return ChildFolders(module, tuple(functions))


def runner_folder(chosen: Folders | None) -> str | None:
    """The runner's folder (created here), or None."""
    if chosen is None:
        return None
    folder = Path(chosen.children) / "runner"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    return str(folder)
