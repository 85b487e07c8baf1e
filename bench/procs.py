"""Starting, watching and stopping the processes the benchmark runs.

Every process is started in its own session (process group), with its output in a log file, and
registered so that `stop_all()` ends it and everything it started — on normal exit, on an error,
on Ctrl-C and on SIGTERM/SIGHUP (see `install_signal_handlers`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

try:  # psutil is optional: /proc is read directly when it is not installed
    import psutil  # type: ignore
except ImportError:  # pragma: no cover - depends on the venv
    psutil = None

# Ports that `make run` uses; the benchmark never takes them.
RESERVED_PORTS = {5005, 5055}

_RUNNING: List["Managed"] = []
_LOCK = threading.Lock()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now (never 5005 or 5055)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in RESERVED_PORTS:
            return port


def tail(path: Path, lines: int = 25) -> str:
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join("    " + line for line in text[-lines:])


class Managed:
    """A child process in its own process group with its output in `log_path`."""

    def __init__(self, name: str, cmd: Sequence[str], *, cwd: Path, env: Dict[str, str],
                 log_path: Path) -> None:
        self.name = name
        self.cmd = list(cmd)
        self.cwd = Path(cwd)
        self.env = env
        self.log_path = Path(log_path)
        self.proc: Optional[subprocess.Popen] = None
        self.started_at: Optional[float] = None  # time.perf_counter() at start

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self) -> "Managed":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        log.write(f"$ (cd {self.cwd} && {' '.join(self.cmd)})\n".encode())
        log.flush()
        with _LOCK:
            self.started_at = time.perf_counter()
            self.proc = subprocess.Popen(
                self.cmd, cwd=str(self.cwd), env=self.env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
            _RUNNING.append(self)
        log.close()  # the child holds its own descriptor
        return self

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait(self) -> int:
        assert self.proc is not None
        rc = self.proc.wait()
        self._forget()
        return rc

    def stop(self, grace_s: float = 10.0) -> None:
        """SIGTERM to the whole process group, SIGKILL after `grace_s`."""
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the child's pid
        for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait_s)
            except subprocess.TimeoutExpired:
                continue
            # the leader is gone; make sure nothing else of the group stays behind
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            break
        self._forget()

    def _forget(self) -> None:
        with _LOCK:
            if self in _RUNNING:
                _RUNNING.remove(self)


def stop_all() -> None:
    """Stop every process this benchmark started and that is still registered."""
    while True:
        with _LOCK:
            if not _RUNNING:
                return
            proc = _RUNNING[-1]
        proc.stop()


def install_signal_handlers() -> None:
    """Ctrl-C raises KeyboardInterrupt even where the parent ignored SIGINT (a background job),
    and SIGTERM and SIGHUP do the same, so one clean-up path stops every child."""

    def handler(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except (ValueError, OSError):  # pragma: no cover - not in the main thread
        pass
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):  # pragma: no cover - not in the main thread
            pass


def run_to_end(name: str, cmd: Sequence[str], *, cwd: Path, env: Dict[str, str],
               log_path: Path) -> tuple:
    """Run a command to its end; returns (exit code, seconds). Ctrl-C stops it via stop_all()."""
    proc = Managed(name, cmd, cwd=cwd, env=env, log_path=log_path).start()
    rc = proc.wait()
    return rc, time.perf_counter() - (proc.started_at or 0.0)


# ---------------------------------------------------------------------------------------------
# CPU: how much of the machine other work used while a bot was measured

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_cpu_jiffies() -> Tuple[int, int]:
    """(busy, total) jiffies of all cores together since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    total = sum(fields[:8])
    return total - idle, total


def machine_busy_fraction(seconds: float = 1.0) -> Optional[float]:
    """Share of all cores busy during the next `seconds` (0..1), or None without /proc."""
    try:
        busy0, total0 = machine_cpu_jiffies()
        time.sleep(seconds)
        busy1, total1 = machine_cpu_jiffies()
    except (OSError, ValueError, IndexError):
        return None
    return (busy1 - busy0) / (total1 - total0) if total1 > total0 else None


def _proc_cpu_jiffies(pid: int) -> int:
    """utime + stime of a process plus those of its children it waited for."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode(errors="replace")
    except OSError:
        return 0
    fields = stat[stat.rfind(")") + 2:].split()
    try:  # fields 14-17 of stat(5); here counted from field 3
        return sum(int(x) for x in fields[11:15])
    except (ValueError, IndexError):
        return 0


def _tree_pids(root_pid: int, children: Dict[int, List[int]]):
    """A process and all its descendants, each once."""
    stack, seen = [root_pid], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        yield pid
        stack.extend(children.get(pid, ()))


def tree_cpu_jiffies(root_pid: int) -> int:
    total = sum(_proc_cpu_jiffies(pid) for pid in _tree_pids(root_pid, _children_map()))
    return total


def own_cpu_jiffies() -> int:
    """CPU of this process and of the children it has already waited for."""
    t = os.times()
    return int((t.user + t.system + t.children_user + t.children_system) * CLK_TCK)


class OtherCpu:
    """Measures the share of the machine's CPU used by *other* work between its creation and
    `fraction()`: all busy time minus this process, its finished children and `running`
    process trees (the servers under test, which have not been waited for yet)."""

    def __init__(self) -> None:
        try:
            self.busy0, self.total0 = machine_cpu_jiffies()
        except (OSError, ValueError, IndexError):
            self.busy0 = self.total0 = None
        self.own0 = own_cpu_jiffies()

    def fraction(self, running: Sequence[int] = ()) -> Optional[float]:
        if self.total0 is None:
            return None
        try:
            busy1, total1 = machine_cpu_jiffies()
        except (OSError, ValueError, IndexError):
            return None
        if total1 <= self.total0:
            return None
        ours = (own_cpu_jiffies() - self.own0) + sum(tree_cpu_jiffies(p) for p in running)
        return max(0.0, ((busy1 - self.busy0) - ours) / (total1 - self.total0))


# ---------------------------------------------------------------------------------------------
# memory


def _children_map() -> Dict[int, List[int]]:
    children: Dict[int, List[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # the command name (field 2) may hold spaces and parentheses: split after the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _vmrss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0  # gone, or a kernel thread


def tree_rss_bytes(root_pid: int, children: Optional[Dict[int, List[int]]] = None) -> int:
    """Sum of VmRSS over a process and all its descendants (0 when it has gone)."""
    if psutil is not None:
        try:
            root = psutil.Process(root_pid)
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total
    if children is None:
        children = _children_map()
    return sum(_vmrss_kib(pid) * 1024 for pid in _tree_pids(root_pid, children))


class RssSampler:
    """Samples the RSS of some process trees every `interval_s` in a background thread and keeps
    the peak of each tree and the peak of their sum (taken at the same instant)."""

    def __init__(self, interval_s: float = 0.1) -> None:
        self.interval_s = interval_s
        self.roots: Dict[str, int] = {}
        self.peak: Dict[str, int] = {}
        self.last: Dict[str, int] = {}
        self.peak_total = 0
        self.samples = 0
        self._children: Optional[Dict[int, List[int]]] = None
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def watch(self, name: str, pid: int) -> None:
        self.roots[name] = pid
        self.peak.setdefault(name, 0)

    def sample_once(self) -> None:
        children = None
        if psutil is None:
            # the servers rarely start new processes: walk /proc for the tree once a second
            if self._children is None or self.samples % 10 == 0:
                self._children = _children_map()
            children = self._children
        total = 0
        for name, pid in list(self.roots.items()):
            rss = tree_rss_bytes(pid, children)
            self.last[name] = rss
            self.peak[name] = max(self.peak.get(name, 0), rss)
            total += rss
        self.peak_total = max(self.peak_total, total)
        self.samples += 1

    def snapshot(self) -> Dict[str, int]:
        """The latest sample per tree (after taking a fresh one)."""
        self.sample_once()
        return dict(self.last)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample_once()
            self._stop.wait(self.interval_s)

    def __enter__(self) -> "RssSampler":
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
