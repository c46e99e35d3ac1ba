"""The learner's loop, measured: how long from a save to a verdict, and how much memory, side by
side for two checkouts in one run (today's harness and this one), medians of several runs.

    python -m benchmarks.learner_loop [--repeat 3] [--baseline PYTHON]

`--baseline` is the Python of another checkout's environment (e.g. a worktree of the commit
before this work, whose `scanprops` it imports); without it only this checkout is measured. The
module is the catalog's 14 reference functions written out as one learner's file
(docs/speed.md). The rows:

- single function (`scanprops check FILE --functions ema`, the default `-j auto`), cold: a fresh,
  empty cache folder each run (SCANPROPS_CACHE_DIR);
- the same, warm (the cache filled by a run before);
- the same after an edit of ema (each run a new version: `alpha = alpha + 0.0 * k` added, so its
  programs change, and so does the file);
- the whole catalog warm, and after the same edit of ema;
- `scanprops check --watch` (this checkout only): seconds from writing the file to the line that
  gives the edited function's verdict, for ema (the edit above) and for lax_scan_in_module (a
  Flax row; a local assignment added, which changes the function's fingerprint, not its program);
- peak resident memory (VmHWM, sampled from /proc every 0.2 s over the run's process tree): the
  largest judge process (the pytest controller or a worker), the largest sandboxed child, the
  runner, and the largest sum over the tree at one moment ("in all").

The machine's load average is printed before and after: the machine is shared, and figures
taken under load are inflated.
"""
from __future__ import annotations

import argparse
import os
import queue
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EMA_DEF = "def ema(xs, alpha=0.1):\n"
MODULE_DEF = "def lax_scan_in_module(seed, x, hidden, T):\n"


def learner_file(path: Path) -> str:
    """The reference's 14 functions as one learner's file (no imports of impls), written at `path`."""
    lines = ["from __future__ import annotations"]
    for name in ("sgd", "flax_seeds", "lesson_scan", "lesson_control"):
        for line in (ROOT / "impls" / f"{name}.py").read_text().splitlines():
            if not line.startswith(("from __future__", "from impls", "import impls", "__all__")):
                lines.append(line)
    text = "\n".join(lines) + "\n"
    assert EMA_DEF in text and MODULE_DEF in text
    path.write_text(text)
    return text


def edited_ema(text: str, k: int) -> str:
    return text.replace(EMA_DEF, EMA_DEF + f"    alpha = alpha + 0.0 * {k}\n")


def edited_module(text: str, k: int) -> str:
    return text.replace(MODULE_DEF, MODULE_DEF + f"    _edit = {k}\n")


# --- memory ------------------------------------------------------------------------------------------
def _status(pid: int) -> dict:
    found = {}
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS", "PPid"):
                    found[key] = int(value.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return found


def _kind(pid: int) -> str:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return "gone"
    if "warden.py" in cmdline:
        return "warden"
    if "child/main.py" in cmdline:
        return "runner" if "scan-runner-" in cwd else "child"
    return "judge"


class TreeMemory:
    """Samples the process tree under `root`: each process's peak resident memory (VmHWM) by kind,
    and the largest sum of resident memory over the tree at one moment."""

    def __init__(self, root: int):
        self.root = root
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (kind, VmHWM kB)
        self.total_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.2)

    def sample(self):
        parents = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                parents.setdefault(_status(int(entry)).get("PPid"), []).append(int(entry))
        tree, queue, total = [], [self.root], 0
        while queue:
            pid = queue.pop()
            tree.append(pid)
            queue += parents.get(pid, [])
        for pid in tree:
            found = _status(pid)
            total += found.get("VmRSS", 0)
            if pid not in self.peaks or self.peaks[pid][0] == "gone":
                self.peaks[pid] = (_kind(pid), found.get("VmHWM", 0))
            else:
                self.peaks[pid] = (self.peaks[pid][0], max(self.peaks[pid][1], found.get("VmHWM", 0)))
        self.total_kb = max(self.total_kb, total)

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        by_kind = {}
        for kind, peak in self.peaks.values():
            by_kind[kind] = max(by_kind.get(kind, 0), peak)
        return {"judge": by_kind.get("judge", 0) / 1024, "child": by_kind.get("child", 0) / 1024,
                "runner": by_kind.get("runner", 0) / 1024, "all": self.total_kb / 1024}


# --- one run -------------------------------------------------------------------------------------------
def environment(cache: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "SCANPROPS_"))}
    env["SCANPROPS_CACHE_DIR"] = str(cache)
    return env


def check(python: str, module: Path, cache: Path, *args: str) -> tuple[float, dict]:
    """One `scanprops check` run: its seconds and its peak memory (MB)."""
    start = time.perf_counter()
    proc = subprocess.Popen([python, "-m", "scanprops.cli", "check", str(module), *args], cwd=module.parent,
                            env=environment(cache), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    memory = TreeMemory(proc.pid)
    out, _ = proc.communicate()
    seconds = time.perf_counter() - start
    peaks = memory.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{python} check {' '.join(args)} ended with {proc.returncode}:\n{out[-3000:]}")
    return seconds, peaks


def save(path: Path, text: str) -> None:
    """Write `text` as an editor saves: a new file renamed over the old one (a reader never sees
    half of it)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)




def watch(module: Path, cache: Path, text: str, repeat: int) -> tuple[dict, dict]:
    """--watch on ema and lax_scan_in_module: seconds from each save to the edited function's
    verdict line, and the peak memory of the whole watch."""
    save(module, text)
    # SIGINT handled here while it starts, so that the watch gets it at its default (this benchmark
    # started in the background of a shell has it ignored, which the watch would inherit).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen([sys.executable, "-m", "scanprops.cli", "check", str(module), "--watch",
                                 "--functions", "ema,lax_scan_in_module"], cwd=module.parent, env=environment(cache),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    finally:
        signal.signal(signal.SIGINT, previous)
    memory = TreeMemory(proc.pid)
    seen: list[str] = []
    lines: queue.Queue = queue.Queue()

    def drain():  # read everything it writes, so that a full pipe never blocks it
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=drain, daemon=True).start()

    def wait_for(pattern: str, timeout: float = 600) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=max(0.1, end - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                raise SystemExit("the watch ended:\n" + "".join(seen[-40:]))
            seen.append(line)
            if re.search(pattern, line):
                return
        raise SystemExit(f"no {pattern!r}:\n" + "".join(seen[-40:]))

    times = {"ema": [], "lax_scan_in_module": []}
    try:
        wait_for(r"^round 1: .* in [0-9.]+ s")
        version = text
        for k in range(1, repeat + 1):
            for name, edit in (("ema", edited_ema), ("lax_scan_in_module", edited_module)):
                version = edit(version, 1000 + k) if name == "ema" else edit(version, 2000 + k)
                start = time.perf_counter()
                save(module, version)
                wait_for(rf"^round \d+: {name} (pass|fail|error) in ")
                times[name].append(time.perf_counter() - start)
                print(f"  --watch: {name} edit {k}: {times[name][-1]:.1f} s", flush=True)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            print("the watch did not stop on SIGINT within 60 s:\n" + "".join(seen[-30:]), flush=True)
    return times, memory.stop()


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", default=None, metavar="PYTHON", help="another checkout's Python (today's)")
    args = parser.parse_args()
    sides = {"this checkout": sys.executable}
    if args.baseline:
        sides = {"today (baseline)": args.baseline, **sides}
    rows: dict[str, dict[str, list]] = {}
    memory: dict[str, dict[str, list]] = {}

    def add(row: str, side: str, seconds: float, peaks: dict | None = None):
        rows.setdefault(row, {}).setdefault(side, []).append(seconds)
        print(f"  {side}: {row}: {seconds:.1f} s (load {load()})", flush=True)
        if peaks is not None and row.endswith("warm"):  # the memory of the warm runs
            for kind, mb in peaks.items():
                memory.setdefault(f"{row}: {kind}", {}).setdefault(side, []).append(mb)

    print(f"load average before: {load()} ({os.cpu_count()} cores)", flush=True)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="learner-loop-") as folder:
        base = Path(folder)
        module = base / "solutions.py"
        text = learner_file(module)
        one = ("--functions", "ema")
        for side, python in sides.items():
            tag = re.sub(r"\W+", "-", side)
            warm, catalog = base / f"warm-{tag}", base / f"catalog-{tag}"
            save(module, text)
            check(python, module, warm, *one)  # fill the caches
            check(python, module, catalog)
            for k in range(args.repeat):
                save(module, text)
                add("single function, cold", side, *check(python, module, base / f"cold-{tag}-{k}", *one))
                add("single function, warm", side, *check(python, module, warm, *one))
                save(module, edited_ema(text, k + 1))
                add("single function, after an edit", side, *check(python, module, warm, *one))
                save(module, text)
                add("whole catalog, warm", side, *check(python, module, catalog))
                save(module, edited_ema(text, 100 + k))
                add("whole catalog, after an edit of one function", side, *check(python, module, catalog))
            print(f"  {side}: done at {time.time() - started:.0f} s, load {load()}", flush=True)
        times, peaks = watch(module, base / "warm-this-checkout", text, args.repeat)
        for name, seconds in times.items():
            for s in seconds:
                add(f"--watch, edit of {name} to its verdict", "this checkout", s)
        for kind, mb in peaks.items():
            row = f"--watch (ema, lax_scan_in_module): {kind}"
            memory.setdefault(row, {}).setdefault("this checkout", []).append(mb)
    print(f"load average after: {load()}; {time.time() - started:.0f} s in all\n")
    names = list(sides)
    print(f"| seconds (median of {args.repeat}; min-max) | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for row, by_side in rows.items():
        print(f"| {row} | " + " | ".join(_cell(by_side.get(n)) for n in names) + " |")
    print("\n| peak resident memory, MB (median of runs) | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for row, by_side in memory.items():
        if any(v for vs in by_side.values() for v in vs):
            print(f"| {row} | " + " | ".join(_cell(by_side.get(n), digits=0) for n in names) + " |")


def _cell(values, digits: int = 1) -> str:
    if not values:
        return ""
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


if __name__ == "__main__":
    main()
