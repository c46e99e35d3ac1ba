"""Confinement the kernel enforces on the process that runs code under test.

The audit hook and attribute checks in scanprops/child/guards.py are Python, and native code (`ctypes`,
raw system calls, `_posixsubprocess`) walks past them. The layers here are applied by the child
to itself before any submission code runs, and the kernel keeps them for the rest of its life and
for anything it could start; no code in the process can lift them:

- **landlock** (`restrict_files`): files may be written only in the child's own working folder
  and its own compile-cache folder; read only where the child needs to (the interpreter and its
  standard library, the import path the parent chose, the submission's folder, the system's shared
  libraries, /sys, the child's own /proc entry), never the checkout's answer key, the judge's
  folders or other processes' /proc entries. A folder that holds one of those is opened up entry
  by entry around it (Landlock only grants). TCP bind and connect are refused (ABI >= 4), and
  signals and abstract Unix sockets are scoped to the child (ABI >= 6). Applied before JAX starts
  its threads (Landlock binds the calling thread and what it starts later).
- **seccomp** (`filter_syscalls`): a deny-list filter on every thread (TSYNC), for the native
  architecture only (a call through another ABI, e.g. `int 0x80`, kills the thread): no new
  process (fork, vfork, clone without CLONE_THREAD, execve; clone3 answers ENOSYS so libc falls
  back to clone), no socket, no ptrace or process_vm_readv/writev, no signal to another process,
  no new session or process group, no namespaces, mounts, bpf, perf, userfaultfd, io_uring or
  keyrings, no raising of resource limits, none of the calls that only root's powers make
  dangerous (modules, reboot, clocks, swap). Built with libseccomp through `pyseccomp` (its
  ctypes binding, API-compatible with libseccomp's own Python bindings, which exist only for the
  system's interpreter); libseccomp resolves the syscall numbers and checks the architecture.
- **netns** (`enter_netns`): a network namespace of its own (loopback only, and down), where the
  kernel permits one (root, or unprivileged user namespaces); skipped otherwise.
- **subreaper** (the warden, scanprops/warden.py): the process that starts the child is a child
  subreaper, so whatever the child's descendants do (double fork, setsid) they are re-parented to
  the warden, which kills and reaps every one of them when the child ends.
- `PR_SET_PDEATHSIG` (`die_with_parent`): a child never outlives its warden, nor the warden the
  harness.

Landlock has no well-kept Python binding (the PyPI packages are pre-releases); its interface is
three system calls, written here with ctypes. This module uses only the standard library and
pyseccomp, so the child can load it by path before anything else (it never imports scanprops).
"""
from __future__ import annotations

import ctypes
import errno
import os
import signal

__all__ = ["LAYERS", "Refused", "applied", "die_with_parent", "enter_netns", "filter_syscalls", "landlock_abi",
           "probe", "restrict_files", "seccomp_available", "become_subreaper", "kill_descendants"]

LAYERS = ("landlock", "seccomp", "netns", "subreaper")

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long

PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36

# Landlock: the same numbers on every architecture (the generic syscall table).
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_FS = {name: 1 << bit for bit, name in enumerate((
    "EXECUTE", "WRITE_FILE", "READ_FILE", "READ_DIR", "REMOVE_DIR", "REMOVE_FILE", "MAKE_CHAR",
    "MAKE_DIR", "MAKE_REG", "MAKE_SOCK", "MAKE_FIFO", "MAKE_BLOCK", "MAKE_SYM", "REFER", "TRUNCATE",
    "IOCTL_DEV"))}
_FS_BY_ABI = {1: 1 << 13, 2: 1 << 14, 3: 1 << 15, 4: 1 << 15}  # rights known up to ABI n: below this bit
_NET_BIND_TCP, _NET_CONNECT_TCP = 1, 2
_SCOPE_ABSTRACT_UNIX_SOCKET, _SCOPE_SIGNAL = 1, 2
_FILE_RIGHTS = _FS["EXECUTE"] | _FS["WRITE_FILE"] | _FS["READ_FILE"] | _FS["TRUNCATE"] | _FS["IOCTL_DEV"]
_READ = _FS["EXECUTE"] | _FS["READ_FILE"] | _FS["READ_DIR"]


class Refused(Exception):
    """A layer could not be applied; the message says why."""


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _error(what: str) -> Refused:
    code = ctypes.get_errno()
    return Refused(f"{what}: {errno.errorcode.get(code, code)} ({os.strerror(code)})")


def _prctl(option: int, value: int) -> None:
    if _libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0) != 0:
        raise _error(f"prctl({option})")


def landlock_abi() -> int:
    """The Landlock ABI this kernel offers (0: none, or disabled at boot)."""
    abi = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(int(abi), 0)


def seccomp_available() -> str | None:
    """None when seccomp filters can be built here, else why not."""
    try:
        import pyseccomp  # noqa: F401
    except Exception as exc:  # noqa: BLE001  (ImportError, or RuntimeError: no libseccomp.so)
        return f"pyseccomp or libseccomp is missing ({exc})"
    try:
        with open("/proc/self/status") as status:
            if not any(line.startswith("Seccomp:") for line in status):
                return "the kernel has no seccomp"
    except OSError as exc:
        return f"cannot read /proc/self/status: {exc}"
    return None


def probe() -> dict:
    """What this machine offers, without applying anything: {layer: ABI, True or why not}."""
    abi = landlock_abi()
    found = {"landlock": abi or "the kernel offers no Landlock (Linux >= 5.13 with landlock in lsm=)"}
    found["seccomp"] = seccomp_available() or True
    found["netns"] = _netns_possible()
    found["subreaper"] = True if _libc.prctl(37, ctypes.byref(ctypes.c_int()), 0, 0, 0) == 0 else "prctl refused"
    return found


def _netns_possible():
    if os.geteuid() == 0:
        return True
    for setting, name in (("/proc/sys/kernel/unprivileged_userns_clone", "kernel.unprivileged_userns_clone"),
                          ("/proc/sys/user/max_user_namespaces", "user.max_user_namespaces")):
        try:
            with open(setting) as value:
                if value.read().strip() == "0":
                    return f"user namespaces are disabled for this user ({name}=0)"
        except OSError:
            pass
    return True


def applied(outcome) -> bool:
    """Whether a layer's outcome (in `probe()` or a child's report) means it is in force: True,
    or Landlock's ABI; a string says why not."""
    return outcome is True or (type(outcome) is int and outcome > 0)


# --- the child applies these to itself --------------------------------------------------------------
def die_with_parent(parent_pid: int) -> None:
    """SIGKILL when the parent dies; and if it already has, now."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def enter_netns() -> None:
    """A network namespace of this process's own (single-threaded callers only)."""
    CLONE_NEWUSER, CLONE_NEWNET = 0x10000000, 0x40000000
    uid, gid = os.geteuid(), os.getegid()
    if os.geteuid() == 0 and _libc.unshare(CLONE_NEWNET) == 0:
        return
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0:
        raise _error("unshare(CLONE_NEWUSER | CLONE_NEWNET)")
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)


def _is_within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def restrict_files(*, read: list[str], write: list[str], read_files: list[str] = (),
                   write_files: list[str] = (), hidden: list[str] = ()) -> int:
    """Landlock: only these folders (and files) may be read or written, nothing beneath `hidden`
    may be read, no TCP, no signal or abstract socket outside this process. The ABI applied."""
    abi = landlock_abi()
    if abi <= 0:
        raise Refused("the kernel offers no Landlock")
    handled = (_FS_BY_ABI.get(abi, 1 << 16)) - 1
    attr = _RulesetAttr(handled, (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
                        (_SCOPE_ABSTRACT_UNIX_SOCKET | _SCOPE_SIGNAL) if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = _libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise _error("landlock_create_ruleset")
    hidden = [os.path.realpath(h) for h in hidden]
    try:
        for folder in read:
            _grant(ruleset, os.path.realpath(folder), _READ & handled, hidden)
        for folder in write:
            _grant(ruleset, os.path.realpath(folder), handled, [])
        for path in read_files:
            _grant(ruleset, os.path.realpath(path), (_FS["READ_FILE"] | _FS["EXECUTE"]) & handled, hidden)
        for path in write_files:
            _grant(ruleset, os.path.realpath(path), _FILE_RIGHTS & ~_FS["EXECUTE"] & handled, [])
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        if _libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise _error("landlock_restrict_self")
    finally:
        os.close(ruleset)
    return abi


def _grant(ruleset: int, path: str, access: int, hidden: list[str]) -> None:
    """`access` beneath `path`, except beneath the hidden folders: a folder above one of them gets
    only its listing, and each of its entries is granted (or hidden) on its own. Symbolic links met
    on the way are not followed (their targets need a rule of their own)."""
    if any(_is_within(path, h) for h in hidden):
        return
    around = [h for h in hidden if _is_within(h, path)]
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC | (os.O_NOFOLLOW if around else 0))
    except OSError:
        return  # not there: nothing to grant
    try:
        is_dir = os.path.isdir(f"/proc/self/fd/{fd}")
        rights = (_FS["READ_DIR"] & access) if around else (access if is_dir else access & _FILE_RIGHTS)
        if rights:
            rule = _PathBeneath(rights, fd)
            if _libc.syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH),
                             ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                raise _error(f"landlock_add_rule({path})")
    finally:
        os.close(fd)
    if around and is_dir:
        for entry in os.scandir(path):
            if not entry.is_symlink():
                _grant(ruleset, entry.path, access, hidden)


# Refused outright (EPERM): every call a submission has no use for that could reach outside.
_REFUSED = (
    "socket", "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "process_mrelease",
    "kcmp", "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "tkill", "setsid", "setpgid", "unshare",
    "setns", "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen", "fsmount",
    "fsconfig", "fspick", "mount_setattr", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup",
    "io_uring_enter", "io_uring_register", "keyctl", "add_key", "request_key", "setrlimit",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon",
    "swapoff", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname",
    "setdomainname", "iopl", "ioperm", "quotactl", "syslog", "vhangup", "name_to_handle_at",
    "open_by_handle_at", "fanotify_init", "lookup_dcookie", "nfsservctl",
)
_NEW_PROCESSES = ("fork", "vfork", "execve", "execveat")


def filter_syscalls(*, own_pid: int, allow_processes: bool = False) -> None:
    """The seccomp filter above, on every thread of this process (see the module docstring)."""
    import pyseccomp as sc

    CLONE_THREAD = 0x00010000
    deny = sc.ERRNO(errno.EPERM)
    f = sc.SyscallFilter(sc.ALLOW)
    f.set_attr(sc.Attr.CTL_TSYNC, 1)

    def rule(action, name, *args):
        try:
            f.add_rule(action, name, *args)
        except (OSError, ValueError, RuntimeError):
            pass  # not a system call of this architecture (e.g. fork on aarch64)

    for name in _REFUSED:
        rule(deny, name)
    if not allow_processes:
        for name in _NEW_PROCESSES:
            rule(deny, name)
        rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
        rule(sc.ERRNO(errno.ENOSYS), "clone3")
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        rule(deny, name, sc.Arg(0, sc.NE, own_pid))  # a signal only to this process (and its threads)
    rule(deny, "prlimit64", sc.Arg(2, sc.NE, 0))  # reading a limit is fine; setting one is not
    f.load()


# --- the warden ---------------------------------------------------------------------------------------
def become_subreaper() -> None:
    _prctl(PR_SET_CHILD_SUBREAPER, 1)


def _children(pid: int) -> list[int]:
    found = set()
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found.update(int(p) for p in f.read().split())
    except OSError:  # no /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN): scan /proc
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                            found.add(int(entry))
                except (OSError, ValueError, IndexError):
                    pass
    return sorted(found)


def kill_descendants(rounds: int = 1000) -> int:
    """SIGKILL and reap every process re-parented to this subreaper (each one's own children come
    to it when it dies, so this repeats until none is left); how many there were. pidfds, so a
    reused process id is never signalled by mistake."""
    killed, me = 0, os.getpid()
    for _ in range(rounds):
        kids = _children(me)
        if not kids:
            break
        for pid in kids:
            try:
                fd = os.pidfd_open(pid)
            except OSError:
                continue
            try:
                signal.pidfd_send_signal(fd, signal.SIGKILL)
                killed += 1
            except OSError:
                pass
            finally:
                os.close(fd)
        for pid in kids:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    return killed


# --- what the child may touch: the one table of file rules --------------------------------------------
# Machine facts the runtime reads (XLA's CPU libraries read /proc/cpuinfo when their first
# kernel runs: without it YNNPACK fails with "unsupported parameter"; glibc reads /proc/sys and
# /sys), none of them another process's or a secret.
SYSTEM_READ = ("/usr", "/lib", "/lib64", "/lib32", "/sys", "/proc/sys", "/etc/ssl", "/usr/local/cuda", "/proc/self")
SYSTEM_READ_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/dev/urandom", "/dev/random", "/dev/zero",
                     "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/filesystems")
SYSTEM_WRITE_FILES = ("/dev/null",)
DEVICE_GLOBS = ("/dev/nvidia*", "/dev/dri/*")  # accelerators JAX may open (read, write, ioctl)


def file_rules(*, import_path, workdir: str, cache_dir: str | None, itself: str, hidden,
               trusted_root: str | None = None, cache_dirs=()) -> dict:
    """The Landlock rules of a child: what `restrict_files` takes. `import_path` is the child's
    sys.path (the submission's folder first, site-packages, the standard library), `cache_dirs`
    its functions' compile-cache folders in a learner's run (scanprops/compile_cache.py), `hidden` the
    folders no submission may read (the answer key, the judge's packages and cache); a trusted
    child (the harness's own implementations) reads the whole checkout, `trusted_root`."""
    import glob
    import sysconfig

    stdlib = [sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib")]
    read = [p for p in [*import_path, *stdlib, *SYSTEM_READ, *([trusted_root] if trusted_root else [])]
            if p and os.path.exists(p)]
    devices = sorted({d for pattern in DEVICE_GLOBS for d in glob.glob(pattern)})
    return {"read": list(dict.fromkeys(read)), "write": [d for d in (workdir, cache_dir, *cache_dirs) if d],
            "read_files": [itself, *(f for f in SYSTEM_READ_FILES if os.path.exists(f))],
            "write_files": [*SYSTEM_WRITE_FILES, *devices],
            "hidden": [] if trusted_root else [h for h in hidden if h]}
