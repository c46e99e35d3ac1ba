"""JAX's persistent compilation cache, pointed at one folder with atomic writes: a child's at the
folder the judge sends it (or off when it sends none: a child never derives it from its
environment), the judge's own at its folder (scanprops/compile_cache.py, which chooses them).
"""
from __future__ import annotations

import os


def use_compile_cache(jax_module, path) -> bool:
    """Point JAX's persistent compilation cache at the folder `path`, caching every program however
    small or quick to compile; `path` None turns the cache off. Call it before the first compile.
    Options this JAX does not know are skipped. True when the cache is on."""
    config = jax_module.config

    def option(name, value) -> bool:
        try:
            config.update(name, value)
            return True
        except (AttributeError, KeyError, ValueError, TypeError, RuntimeError):
            return False

    if path is None:
        option("jax_enable_compilation_cache", False)
        option("jax_compilation_cache_dir", None)
        return False
    option("jax_enable_compilation_cache", True)
    option("jax_persistent_cache_min_compile_time_secs", 0.0)  # the default (1 s) skips nearly all of ours
    option("jax_persistent_cache_min_entry_size_bytes", -1)  # no size threshold, and none filled in for us
    _atomic_cache_writes()
    return option("jax_compilation_cache_dir", str(path))


class FolderPerFunction:
    """A learner's run: each function's calls compile into its own folder (the judge sends
    {function: folder}, keyed by the function's fingerprint: scanprops/compile_cache.py). `enter`
    points JAX's cache at a function's folder (the submission's for any other) before its call;
    JAX reads the folder once, so the switch also resets JAX's cache object (reset_cache), which
    opens the new folder at the next compile. Where this JAX has no reset_cache, every call keeps
    the submission's folder."""

    def __init__(self, jax_module, module_folder, function_folders: dict):
        self.config = jax_module.config
        self.module_folder = module_folder
        self.folders = dict(function_folders or {}) if module_folder is not None else {}
        self.current = module_folder
        try:
            from jax._src import compilation_cache
            self.reset = getattr(compilation_cache, "reset_cache", None)
        except ImportError:
            self.reset = None
        if self.reset is None:
            self.folders = {}

    def enter(self, function: str) -> None:
        wanted = self.folders.get(function, self.module_folder)
        if wanted == self.current:
            return
        try:
            self.config.update("jax_compilation_cache_dir", str(wanted))
            self.reset()
            self.current = wanted
        except (AttributeError, KeyError, ValueError, TypeError, RuntimeError):
            self.folders = {}  # this JAX refused: the folder in use stays, for every call from now on


def _atomic_cache_writes() -> None:
    """Make the cache's writes atomic: a temporary file in the cache folder, then a rename.

    JAX's LRUCache (without a size limit: no file lock) writes an entry in place with
    `Path.write_bytes`, so a process reading the same entry meanwhile, e.g. another pytest
    worker under -n auto, can read it half written (JAX then warns and compiles) and two
    writers can interleave. With the rename an entry is absent or whole. Left as it is when
    this JAX's cache does not look as expected."""
    import pathlib
    import tempfile

    try:
        from jax._src import lru_cache
    except ImportError:
        return
    cls = getattr(lru_cache, "LRUCache", None)
    suffix = getattr(lru_cache, "_CACHE_SUFFIX", "")  # older releases name an entry by its key alone
    put = getattr(cls, "put", None)
    if put is None or not isinstance(suffix, str) or getattr(put, "atomic", False):
        return

    def atomic_put(self, key, value):
        folder = getattr(self, "path", None)
        if getattr(self, "eviction_enabled", True) or not key or not isinstance(folder, pathlib.PurePath):
            return put(self, key, value)  # a size limit (JAX locks) or a remote file system
        final = os.path.join(str(folder), f"{key}{suffix}")
        if os.path.exists(final):
            return None
        fd, temporary = tempfile.mkstemp(dir=str(folder), prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(value)
            os.replace(temporary, final)
        except BaseException:
            try:
                os.remove(temporary)
            except OSError:
                pass
            raise
        return None

    atomic_put.atomic = True
    cls.put = atomic_put
