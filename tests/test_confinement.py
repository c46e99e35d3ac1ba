"""The kernel's layers (scanprops/confinement.py), each applied in a throwaway process exactly as
the sandboxed child applies it, then attacked from inside; what was refused is read from the
outcome of each system call (and files from outside). End-to-end abuse through the command line
is in tests/test_abuse.py; here is what each layer itself guarantees, and the switches around it."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanprops import confinement, isolation
from tests.layers import OFFERED, require

ROOT = Path(__file__).resolve().parents[1]


def confined(script: str, **values) -> dict:
    """Run `script` (which fills RESULT; `V` holds `values`) after loading confinement.py by its
    path, in a new interpreter; its RESULT, as JSON."""
    prelude = (
        "import importlib.util, json, os, sys\n"
        f"spec = importlib.util.spec_from_file_location('c', {str(ROOT / 'scanprops' / 'confinement.py')!r})\n"
        "c = importlib.util.module_from_spec(spec); spec.loader.exec_module(c)\n"
        "RESULT = {}\nV = json.loads(sys.argv[1])\n"
        "def attempt(name, action):\n"
        "    try:\n"
        "        action()\n"
        "        RESULT[name] = 'allowed'\n"
        "    except OSError as exc:\n"
        "        RESULT[name] = __import__('errno').errorcode.get(exc.errno, str(exc.errno))\n"
    )
    done = subprocess.run([sys.executable, "-c", prelude + script + "\nprint(json.dumps(RESULT))", json.dumps(values)],
                          capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_landlock_reads_only_what_it_grants_and_never_beneath_a_hidden_folder(tmp_path):
    require("landlock")
    shared = tmp_path / "shared"
    (shared / "answer_key").mkdir(parents=True)
    (shared / "sub").mkdir()
    (shared / "mine.py").write_text("ok")
    (shared / "sub" / "helper.py").write_text("ok")
    (shared / "answer_key" / "reference.py").write_text("secret")
    (shared / "link.py").symlink_to(shared / "answer_key" / "reference.py")
    (tmp_path / "elsewhere.txt").write_text("secret")
    work = tmp_path / "work"
    work.mkdir()
    result = confined("""
c.restrict_files(read=[V['SHARED']], write=[V['WORK']], hidden=[V['KEY']])
attempt('own file', lambda: open(V['SHARED'] + '/mine.py').read())
attempt('a sibling folder', lambda: open(V['SHARED'] + '/sub/helper.py').read())
attempt('list the shared folder', lambda: os.listdir(V['SHARED']))
attempt('the hidden file', lambda: open(V['KEY'] + '/reference.py').read())
attempt('the hidden file through a link', lambda: open(V['SHARED'] + '/link.py').read())
attempt('the hidden file by dir_fd',
        lambda: os.open('answer_key/reference.py', os.O_RDONLY, dir_fd=os.open(V['SHARED'], os.O_RDONLY)))
attempt('a file outside', lambda: open(V['OUT']).read())
attempt('write in its folder', lambda: open(V['WORK'] + '/out.txt', 'w').write('x'))
attempt('write beside the submission', lambda: open(V['SHARED'] + '/planted.py', 'w').write('x'))
attempt('rename into the shared folder', lambda: os.rename(V['WORK'] + '/out.txt', V['SHARED'] + '/planted.py'))
""", SHARED=str(shared), WORK=str(work), KEY=str(shared / "answer_key"), OUT=str(tmp_path / "elsewhere.txt"))
    assert result == {
        "own file": "allowed", "a sibling folder": "allowed", "list the shared folder": "allowed",
        "the hidden file": "EACCES", "the hidden file through a link": "EACCES", "the hidden file by dir_fd": "EACCES",
        "a file outside": "EACCES", "write in its folder": "allowed", "write beside the submission": "EACCES",
        "rename into the shared folder": "EACCES"}, result
    assert not (shared / "planted.py").exists()


def test_landlock_refuses_tcp_and_signals_outside_the_process(tmp_path):
    require("landlock", landlock_abi=6)
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        result = confined("""
import signal, socket
c.restrict_files(read=[], write=[])
attempt('connect', lambda: socket.create_connection(('127.0.0.1', V['PORT']), timeout=2))
attempt('signal the parent', lambda: os.kill(os.getppid(), 0))
attempt('signal itself', lambda: os.kill(os.getpid(), 0))
""", PORT=listener.getsockname()[1])
    assert result == {"connect": "EACCES", "signal the parent": "EPERM", "signal itself": "allowed"}, result


def test_seccomp_refuses_processes_sockets_tracing_and_foreign_signals(tmp_path):
    require("seccomp")
    result = confined("""
import ctypes, resource, signal, socket, threading
c.filter_syscalls(own_pid=os.getpid())
libc = ctypes.CDLL(None, use_errno=True)
def call(name, *args):
    def run():
        if getattr(libc, name)(*args) == -1:
            raise OSError(ctypes.get_errno(), name)
    return run
attempt('fork', os.fork)
attempt('posix_spawn', lambda: os.posix_spawn('/bin/true', ['true'], {}))
attempt('socket', lambda: socket.socket())
attempt('ptrace the parent', call('ptrace', 16, os.getppid(), 0, 0))
attempt('signal the parent', lambda: os.kill(os.getppid(), 0))
attempt('signal its group', lambda: os.kill(0, 0))
attempt('pidfd_open', lambda: os.pidfd_open(os.getppid()))
attempt('setsid', os.setsid)
attempt('raise a limit',
        lambda: resource.prlimit(0, resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)))
attempt('unshare', call('unshare', 0x40000000))
attempt('read a limit', lambda: resource.getrlimit(resource.RLIMIT_AS))
attempt('signal itself', lambda: os.kill(os.getpid(), 0))
box = []
t = threading.Thread(target=lambda: box.append(1)); t.start(); t.join()
RESULT['a thread'] = 'allowed' if box else 'refused'
""")
    assert result == {
        "fork": "EPERM", "posix_spawn": "EPERM", "socket": "EPERM", "ptrace the parent": "EPERM",
        "signal the parent": "EPERM", "signal its group": "EPERM", "pidfd_open": "EPERM", "setsid": "EPERM",
        "raise a limit": "EPERM", "unshare": "EPERM", "read a limit": "allowed", "signal itself": "allowed",
        "a thread": "allowed"}, result


def test_seccomp_with_processes_allowed_keeps_the_rest(tmp_path):
    """SCANPROPS_SANDBOX_PROCESSES=1 (an accelerator's compiler): fork again, nothing else."""
    require("seccomp")
    result = confined("""
import socket
c.filter_syscalls(own_pid=os.getpid(), allow_processes=True)
def fork_and_wait():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
attempt('fork', fork_and_wait)
attempt('socket', lambda: socket.socket())
attempt('setsid', os.setsid)
""")
    assert result == {"fork": "allowed", "socket": "EPERM", "setsid": "EPERM"}, result


def test_the_warden_kills_what_the_child_left_behind(tmp_path):
    """A child that double-forks a daemon in a new session and exits: the warden (a subreaper)
    kills and reaps the daemon before it exits itself; checked from outside, by the daemon's pid."""
    pid_file = tmp_path / "daemon.pid"
    child = (f"import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
             f"        open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n        time.sleep(60)\n"
             f"    os._exit(0)\ntime.sleep(0.5)\n")
    done = subprocess.run([sys.executable, "-I", "-S", str(isolation.WARDEN_SCRIPT), str(os.getpid()), "", "--",
                           sys.executable, "-c", child], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    daemon = int(pid_file.read_text())
    assert not Path(f"/proc/{daemon}").exists() or "Z" in Path(f"/proc/{daemon}/stat").read_text().split()[2]


def test_the_warden_mirrors_the_childs_death():
    done = subprocess.run([sys.executable, "-I", "-S", str(isolation.WARDEN_SCRIPT), str(os.getpid()), "", "--",
                           sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"],
                          capture_output=True, timeout=30)
    assert done.returncode == -11
    done = subprocess.run([sys.executable, "-I", "-S", str(isolation.WARDEN_SCRIPT), str(os.getpid()), "", "--",
                           sys.executable, "-c", "raise SystemExit(3)"], capture_output=True, timeout=30)
    assert done.returncode == 3


def test_required_layers_are_named_from_the_list():
    assert isolation.required_layers("landlock, seccomp") == ("landlock", "seccomp")
    with pytest.raises(ValueError, match="apparmor is not a sandbox layer"):
        isolation.required_layers("seccomp,apparmor")


def _run(tmp_path, *args, env=None):
    impl = tmp_path / "solution.py"
    impl.write_text("import jax.numpy as jnp\n\ndef running_sum(xs):\n    return jnp.cumsum(xs)\n")
    report = tmp_path / "report.json"
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "--impl", str(impl),
                           "--scan-report", str(report), "-k", "running_sum and oracle", *args],
                          cwd=ROOT, env={**base, **(env or {})}, capture_output=True, text=True, timeout=180)
    return done, json.loads(report.read_text())


def test_the_report_lists_the_layers_and_a_missing_one_is_one_warning_line(tmp_path):
    done, report = _run(tmp_path, env={"SCANPROPS_SANDBOX_LAYERS": "seccomp,landlock"})
    assert done.returncode == 0, done.stdout[-3000:]
    layers = report["environment"]["sandbox"]
    assert layers["netns"] == "switched off (SCANPROPS_SANDBOX_LAYERS)" and layers["subreaper"] is True
    for layer in ("landlock", "seccomp"):
        assert (layers[layer] == OFFERED[layer]) if confinement.applied(OFFERED[layer]) else type(layers[layer]) is str
    warnings = [line for line in done.stdout.splitlines() if "sandbox layers missing" in line]
    assert len(warnings) == 1 and "netns (switched off" in warnings[0], done.stdout[:3000]


def test_a_required_layer_that_cannot_be_applied_refuses_the_run(tmp_path):
    done, report = _run(tmp_path, "--require-sandbox", "seccomp,netns", env={"SCANPROPS_SANDBOX_LAYERS": "seccomp"})
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert report["verdict"] == "error" and "pass" not in json.dumps(report["problems"])
    assert "--require-sandbox" in report["error"] and "netns (switched off" in report["error"], report["error"]
    assert "netns (switched off" in out


def test_grade_refuses_an_unknown_layer_before_grading(tmp_path):
    (tmp_path / "a.py").write_text("def running_sum(xs):\n    return xs\n")
    done = subprocess.run([sys.executable, "-m", "scanprops.cli", "grade", str(tmp_path / "a.py"), "--out",
                           str(tmp_path / "out"), "--require-sandbox", "landlock,apparmor"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 4 and "apparmor is not a sandbox layer" in done.stderr, done.stderr
    assert not (tmp_path / "out" / "a").exists()
