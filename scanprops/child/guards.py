"""The sandbox's Python rules, the only place one is written: what the child refuses a
submission (the audit hook's table, `RULES`), what it watches for change (`Guard`) and the
resource limits it sets. The kernel's layers under them are scanprops/confinement.py's (the
child applies them in scanprops/child/main.py); these give a submission's mistakes and tampering
their own messages where the kernel would only say "permission denied".

- `Guard` snapshots the public attributes of jax, jax.numpy, jax.lax, jax.tree_util, jax.random,
  numpy and builtins (and JAX's array class) after the child has bound what it uses
  (scanprops/child/bound.py); after the import and after every call a changed attribute is
  reported as tampering.
- The audit hook (which cannot be removed) refuses: importing the harness's packages
  (scanprops, strategies, props, impls: the reference implementations and oracles, i.e. the
  answer key) or reading their files (but the child's own code, which tracebacks read), reading
  other processes' /proc entries (the report path is on the grader's command line), writing
  files outside the child's own temporary folder (and the compilation-cache folder the judge
  chose for it, if any), starting processes, signalling other processes, and opening sockets.
  Refused imports and reads of the harness are kept (`attempts`) and reported as `error` with
  what was attempted.
- `limit_resources`: address space, CPU seconds, file size, process count.
"""
from __future__ import annotations

import os
import sys
from typing import NamedTuple

HARNESS_PACKAGES = ("scanprops", "strategies", "props", "impls")


# --- what the submission must not change ---------------------------------------------------------
class Guard:
    """What the submission must not change or reach, and what it tried."""

    WATCHED = ("builtins", "numpy", "jax", "jax.numpy", "jax.lax", "jax.tree_util", "jax.random")

    def __init__(self, array_type: type):
        import builtins

        self.attempts: list = []  # refused imports and reads of the harness: the answer key
        self.modules = {name: sys.modules[name] for name in self.WATCHED if name in sys.modules}
        self.snapshot = {}
        for name, module in self.modules.items():
            for attr, value in list(vars(module).items()):
                if name == "builtins" or not attr.startswith("_"):
                    self.snapshot[(name, attr)] = value
        self.class_dict = dict(vars(array_type))
        self.array_type = array_type
        self._builtins = builtins
        self._excepthook = sys.excepthook

    def changes(self) -> list:
        """Every watched attribute that is no longer the original object."""
        found = []
        missing = object()
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                found.append(f"sys.modules[{name!r}] was replaced")
        for (name, attr), value in self.snapshot.items():
            if vars(self.modules[name]).get(attr, missing) is not value:
                found.append(f"{name}.{attr}" if name != "builtins" else f"builtins.{attr}")
        current = vars(self.array_type)
        for attr, value in self.class_dict.items():
            if current.get(attr, missing) is not value:
                found.append(f"{self.array_type.__name__}.{attr}")
        for attr in current:
            if attr not in self.class_dict:
                found.append(f"{self.array_type.__name__}.{attr} (added)")
        return found


# --- the audit hook -------------------------------------------------------------------------------
class Scope(NamedTuple):
    """What a rule is judged against, from the hook's own state."""

    trusted: bool  # the harness's own implementations: may import and read the harness
    own_pid: str
    writable: tuple  # folders (with a trailing separator) writes may go to
    harness: tuple  # folders (likewise) an untrusted child may not read
    own_code: tuple  # the child's own files: no secret, not the answer key (tracebacks read them)
    attempts: list  # refused imports and reads of the harness: the answer key


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _outside(path, writable: tuple) -> bool:
    if isinstance(path, int):
        return False
    if isinstance(path, bytes):
        path = path.decode(errors="replace")
    full = os.path.realpath(str(path))
    return not (full + os.sep).startswith(writable) and full != "/dev/null"


def harness_import(event: str, args, scope: Scope) -> None:
    top = str(args[0]).partition(".")[0]
    if not scope.trusted and top in HARNESS_PACKAGES:
        scope.attempts.append(f"import {args[0]}")
        raise ImportError(f"No module named {args[0]!r}")


def opening(event: str, args, scope: Scope) -> None:
    path, mode, flags = args
    if isinstance(path, int):
        return
    if isinstance(path, bytes):
        path = path.decode(errors="replace")
    path = str(path)
    writes = (mode is not None and any(c in str(mode) for c in "wax+")) or (
        isinstance(flags, int) and flags & _WRITE_FLAGS)
    if writes and _outside(path, scope.writable):
        raise PermissionError(f"writing {path} is not allowed here")
    full = os.path.realpath(path)
    if full.startswith("/proc/"):
        part = full[6:].split("/", 1)[0]
        if part.isdigit() and part != scope.own_pid:
            raise PermissionError(f"reading {path} is not allowed here")
    if not scope.trusted and (full + os.sep).startswith(scope.harness) and full not in scope.own_code:
        scope.attempts.append(f"open {full}")
        raise PermissionError(f"reading {path} is not allowed here")


def starting_a_process(event: str, args, scope: Scope) -> None:
    raise PermissionError(f"{event} is not allowed here: code under test starts no processes")


def signalling(event: str, args, scope: Scope) -> None:
    if event == "os.killpg" or str(args[0]) != scope.own_pid:
        raise PermissionError(f"{event} is not allowed here")


def networking(event: str, args, scope: Scope) -> None:
    raise PermissionError(f"{event} is not allowed here: code under test has no network")


def changing_a_path(event: str, args, scope: Scope) -> None:
    for path in args:
        if isinstance(path, (str, bytes, os.PathLike)) and _outside(path, scope.writable):
            raise PermissionError(f"{event} on {path} is not allowed here")


# Audited event -> its rule (events not named here pass).
RULES = {
    "import": harness_import,
    "open": opening,
    **dict.fromkeys(("os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
                     "subprocess.Popen", "pty.spawn", "os.startfile"), starting_a_process),
    "os.kill": signalling,
    "os.killpg": signalling,
    "socket.connect": networking,
    "socket.bind": networking,
    **dict.fromkeys(("os.rename", "os.remove", "os.rmdir", "os.truncate", "os.mkdir", "os.chmod", "os.chown",
                     "os.utime", "os.symlink", "os.link", "shutil.rmtree", "shutil.copyfile", "shutil.move"),
                    changing_a_path),
}


def install_audit_hook(attempts: list, trusted: bool, harness_dirs, workdir: str, cache_dirs, own_code) -> None:
    """Apply RULES to every audited event from now on. Audit hooks cannot be removed; the hook
    keeps its state in its closure. Writes may go to `workdir` and to `cache_dirs` (the
    compilation cache folders the judge chose for this child), nowhere else; `own_code` (the child's
    files) may be read although they lie in the harness's folders."""
    realpath, sep = os.path.realpath, os.sep
    own_pid = str(os.getpid())
    writable = tuple(realpath(d) + sep for d in (workdir, *cache_dirs) if d)
    harness = tuple(realpath(d) + sep for d in harness_dirs)
    own_code = tuple(realpath(f) for f in own_code)

    def hook(event, args):
        rule = RULES.get(event)
        if rule is not None:
            rule(event, args, Scope(trusted, own_pid, writable, harness, own_code, attempts))

    sys.addaudithook(hook)


# --- resource limits ----------------------------------------------------------------------------------
def limit_resources(config: dict, user_tasks: int) -> None:
    """The start-up message's limits, set once JAX has started: address space above what JAX
    already holds, CPU seconds, file size, and threads and processes beyond `user_tasks` (what
    the user ran before the layers hid other processes' /proc entries)."""
    import resource

    def vm_size_bytes() -> int:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        return 0

    memory = config.get("memory_mb") or 0
    if memory:
        limit = vm_size_bytes() + memory * 2**20  # JAX already reserves ~1.5 GB of address space
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = config.get("cpu_s") or 0
    if cpu:
        used = int(sum(os.times()[:2])) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (used + cpu, used + cpu))
    files = config.get("file_mb") or 0
    if files:
        resource.setrlimit(resource.RLIMIT_FSIZE, (files * 2**20, files * 2**20))
    tasks = config.get("tasks") or 0
    if tasks:
        try:
            mine = sum(1 for _ in os.scandir(f"/proc/{os.getpid()}/task"))
            resource.setrlimit(resource.RLIMIT_NPROC, (user_tasks + mine + tasks,) * 2)
        except (OSError, ValueError):
            pass


def user_tasks() -> int:
    """Threads of this user's processes, counted before the kernel's layers hide them."""
    uid, count = os.getuid(), 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += sum(1 for _ in os.scandir(f"/proc/{entry.name}/task"))
            except OSError:
                pass
    return count
