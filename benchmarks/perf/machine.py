"""What a perf result needs besides its figures: the machine, the code, and how busy the machine
was while it ran (the cores are shared with other developers' test runs).

``LoadMonitor`` samples, every half second, the machine's busy cores (``/proc/stat``) and the CPU
and memory of a process tree (``/proc``: pool workers, a local Ray's raylet and workers);
the cores busy outside the tree are the other users' load on the figures.
"""

from __future__ import annotations

import os
import platform
import subprocess
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_S = 0.5


def describe(packages: tuple[str, ...]) -> dict:
    """Cores, Python, platform, package versions and the commit the code was at."""
    found = {}
    for name in packages:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True,
                           text=True)  # fmt: skip
    return {"cpu_count": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "packages": found,
            "git_commit": commit.stdout.strip(), "src_modified": bool(dirty.stdout.strip())}  # fmt: skip


def _busy_jiffies() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields[:8]) - idle, sum(fields[:8])


class LoadMonitor:
    """Busy cores of the machine and of a process tree, and the tree's peak memory.

    Memory is summed over the tree's processes: RSS (shared pages counted once per process, an
    upper bound) and PSS (shared pages split between the processes sharing them, the fair sum).
    CPU of the tree is what its processes used while seen (a process that starts and ends between
    two samples is missed: the tree's share is a lower bound, the others' an upper bound).
    """

    def __init__(self, root_pid: int | None = None) -> None:
        self.root = root_pid or os.getpid()
        self._cpu: dict[int, tuple[float, float]] = {}  # pid -> (first, last) CPU seconds seen
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_parts: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> LoadMonitor:
        self._start = time.perf_counter()
        self._jiffies = _busy_jiffies()
        self._loadavg = os.getloadavg()
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        busy, total = _busy_jiffies()
        self.seconds = time.perf_counter() - self._start
        cores = os.cpu_count() or 1
        self.machine_busy_cores = (
            (busy - self._jiffies[0]) / max(1, total - self._jiffies[1]) * cores
        )
        self.own_busy_cores = sum(last - first for first, last in self._cpu.values()) / self.seconds
        self.loadavg_end = os.getloadavg()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_S):
            self._sample()

    def _sample(self) -> None:
        rss = pss = 0
        parts: dict[str, int] = {}
        for pid in tree(self.root):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, UnicodeDecodeError):
                continue
            seconds = (int(stat[11]) + int(stat[12])) / TICKS
            first, _ = self._cpu.get(pid, (seconds, seconds))
            self._cpu[pid] = (first, seconds)
            memory = dict(_kb(line) for line in rollup.splitlines()[1:] if line.endswith("kB"))
            rss += memory.get("Rss", 0)
            pss += memory.get("Pss", 0)
            kind = _kind(pid, self.root, cmdline)
            parts[kind] = parts.get(kind, 0) + memory.get("Pss", 0)
        if pss > self.peak_pss:
            self.peak_parts = parts
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)

    def summary(self) -> dict:
        return {
            "wall_s": round(self.seconds, 2),
            "machine_busy_cores": round(self.machine_busy_cores, 2),
            "own_busy_cores": round(self.own_busy_cores, 2),
            "others_busy_cores": round(max(0.0, self.machine_busy_cores - self.own_busy_cores), 2),
            "loadavg_1min_start_end": [round(self._loadavg[0], 2), round(self.loadavg_end[0], 2)],
            "peak_rss_mb": round(self.peak_rss / 2**10, 1),
            "peak_pss_mb": round(self.peak_pss / 2**10, 1),
            "peak_pss_mb_by_kind": {k: round(v / 2**10, 1) for k, v in self.peak_parts.items()},
        }


TICKS = os.sysconf("SC_CLK_TCK")


def _kb(line: str) -> tuple[str, int]:
    name, value, _ = line.split()
    return name.rstrip(":"), int(value)


def tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    members, frontier = {root}, {root}
    while frontier:
        frontier = {p for p, parent in parents.items() if parent in frontier and p not in members}
        members |= frontier
    return sorted(members)


def _kind(pid: int, root: int, cmdline: str) -> str:
    """Driver, worker (pool or Ray task worker), or Ray's own services."""
    if pid == root:
        return "driver"
    if cmdline.startswith("ray::") and "Agent" not in cmdline.split(" ", 1)[0]:
        return "ray_worker"  # a task worker: its process title is ray::IDLE or ray::<task>
    if "default_worker.py" in cmdline:
        return "ray_worker"
    if "ray" in cmdline.split(" ", 1)[0] or "/ray/" in cmdline:
        return "ray_services"
    return "worker"


def tree_cpu_seconds(root: int | None = None) -> float:
    """CPU seconds used so far by a process tree: each live member's own time plus the time of
    the children it has reaped (a pool's workers, once joined); members that died unreaped are
    missed."""
    total = 0
    for pid in tree(root or os.getpid()):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += sum(int(v) for v in stat[11:15])  # utime, stime, cutime, cstime
    return total / TICKS
