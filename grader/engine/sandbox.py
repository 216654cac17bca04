"""Process-level protections, decided in the grader's (parent) process.

- the Landlock policy a learner worker confines itself to (what it may read and write);
- this process as a child subreaper, so descendants that double-fork or start a new session
  are re-parented here and can be found and killed after a run;
- this process made non-dumpable, so same-user processes cannot read its memory via /proc.
"""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import site
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_PR_SET_DUMPABLE = 4
_PR_SET_CHILD_SUBREAPER = 36
_state_lock = threading.Lock()
# held while a worker is started and registered, so that reap_orphans never takes a worker
# another thread has just started for a stray
_spawn_lock = threading.Lock()


# OS-level facts about this process, set once: whether it is a subreaper, and the workers alive now
@dataclass
class _ProcessState:
    subreaper: bool | None = None  # None: not asked yet
    workers: set[int] = field(default_factory=set)


_process = _ProcessState()


class WorkerGate:
    """Runs share the machine; a run given another chance after a wall-clock timeout takes it
    alone: ``exclusive`` waits until no other run of this process holds ``shared``."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._shared = 0
        self._exclusive = False

    @contextmanager
    def shared(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._exclusive)
            self._shared += 1
        try:
            yield
        finally:
            with self._changed:
                self._shared -= 1
                self._changed.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: not self._exclusive and self._shared == 0)
            self._exclusive = True
        try:
            yield
        finally:
            with self._changed:
                self._exclusive = False
                self._changed.notify_all()


# one per process, like the subreaper flag: it stands for this process's share of the machine
worker_gate = WorkerGate()


def _prctl(option: int, value: int) -> bool:
    if platform.system() != "Linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def become_subreaper() -> bool:
    """Make orphaned descendants of our workers children of this process (Linux)."""
    with _state_lock:
        if _process.subreaper is None:
            _process.subreaper = _prctl(_PR_SET_CHILD_SUBREAPER, 1)
            # our memory holds expected outputs: keep other processes of this user out of it
            _prctl(_PR_SET_DUMPABLE, 0)
        return bool(_process.subreaper)


@contextmanager
def starting_worker() -> Iterator[None]:
    """Hold while starting a worker process and registering its pid."""
    with _spawn_lock:
        yield


def adopt_orphans() -> bool:
    """Become a child subreaper without the rest of become_subreaper (the daemon's children
    inherit this process's dumpable flag, and must stay able to read their own /proc)."""
    with _state_lock:
        if _process.subreaper is None:
            _process.subreaper = _prctl(_PR_SET_CHILD_SUBREAPER, 1)
        return bool(_process.subreaper)


def register_worker(pid: int) -> None:
    with _state_lock:
        _process.workers.add(pid)


def unregister_worker(pid: int) -> None:
    with _state_lock:
        _process.workers.discard(pid)


def _children() -> list[int]:
    me = os.getpid()
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{me}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            with open(f"/proc/{me}/task/{tid}/children") as fh:
                found.extend(int(p) for p in fh.read().split())
        except OSError:
            continue
    return found


def kill_group(pid: int) -> None:
    """SIGKILL the process group ``pid`` leads (a worker's session), if it is still there."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def reap_orphans(rounds: int = 20) -> int:
    """Kill every child of this process that is not a live worker: they can only be learner
    descendants re-parented here. Repeats until none is left (a killed one may leave orphans).
    Returns how many were killed."""
    if not _process.subreaper:
        return 0
    killed = 0
    own_group = os.getpgid(0)
    for _ in range(rounds):
        with _spawn_lock, _state_lock:
            workers = set(_process.workers)
            strays = [pid for pid in _children() if pid not in workers]
        if not strays:
            break
        for pid in strays:
            try:
                group = os.getpgid(pid)
                if group != own_group:
                    os.killpg(group, signal.SIGKILL)
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
        for pid in strays:
            _wait_quietly(pid)
    return killed


@dataclass(frozen=True)
class TreeUsage:
    """CPU time used by a process and all its descendants, and whether any of their threads
    is running or waiting for a CPU (or for the disk) right now."""

    cpu_seconds: float
    busy: bool


_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def tree_usage(root: int) -> TreeUsage | None:
    """Read /proc for ``root`` and its descendants (None where /proc cannot tell: not Linux,
    or ``root`` is gone). Children already waited for count in their parent's totals."""
    seen, todo, ticks, busy = set(), [root], 0, False
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            ticks += sum(int(f) for f in fields[11:15])  # utime, stime, and of waited-for children
            tids = os.listdir(f"/proc/{pid}/task")
        except (OSError, IndexError, ValueError):
            if pid == root:
                return None
            continue
        for tid in tids:
            try:
                with open(f"/proc/{pid}/task/{tid}/stat", "rb") as fh:
                    state = fh.read().rsplit(b")", 1)[1].split()[0]
                busy = busy or state in (b"R", b"D")
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
            except (OSError, IndexError, ValueError):
                continue
    return TreeUsage(ticks / _TICKS, busy)


def _wait_quietly(pid: int) -> None:
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return
        if done:
            return
        time.sleep(0.01)


# ---------------------------------------------------------------- switches

DISABLE_VARIABLE = "GRADER_DISABLE"
KERNEL_WALLS = ("namespaces", "seccomp", "landlock")


def turned_off(name: str) -> str:
    """Why protection ``name`` is turned off ($GRADER_DISABLE lists names, for diagnosing a
    machine or simulating one that lacks them), or "" when it is on."""
    wanted = {w.strip().lower() for w in os.environ.get(DISABLE_VARIABLE, "").split(",")}
    return f"{DISABLE_VARIABLE}={name}" if name in wanted else ""


def isolation_request(scratch_bytes: int) -> dict:
    """What a learner worker is asked to put around itself (see grader/engine/isolation.py)."""
    return {
        "namespaces": turned_off("namespaces") or True,
        "seccomp": turned_off("seccomp") or True,
        "scratch_bytes": scratch_bytes,
    }


# ---------------------------------------------------------------- Landlock policy


@dataclass(frozen=True)
class Policy:
    read: tuple[str, ...]
    write: tuple[str, ...]
    deny_tcp: bool = True

    def as_request(self) -> dict:
        return {"read": list(self.read), "write": list(self.write), "deny_tcp": self.deny_tcp}


def runtime_read_paths() -> list[str]:
    """Where Python, its libraries and the system's shared libraries live."""
    paths = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        sysconfig.get_paths()["stdlib"],
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
    }
    try:
        paths.update(site.getsitepackages())
    except AttributeError:
        pass
    paths.update(["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/sys", "/dev", "/opt"])
    # not /proc as a whole: other processes' environ and maps (the grader's among them) stay closed;
    # the worker adds its own /proc/<pid> when it confines itself
    paths.update(
        [
            "/proc/cpuinfo",
            "/proc/meminfo",
            "/proc/stat",
            "/proc/sys",
            "/proc/loadavg",
            "/proc/version",
            "/proc/filesystems",
        ]
    )
    return sorted(p for p in paths if p and os.path.exists(p))


def learner_policy(files: list[str], scratch: str, writable: list[str]) -> Policy:
    """Read the runtime and the learner's own files; write only the scratch folder (and caches
    that belong to this learner alone)."""
    # the files are the grader's private copies; a link among them would grant its target: none is
    read = runtime_read_paths() + [
        os.path.join(os.path.realpath(os.path.dirname(f)), os.path.basename(f))
        for f in files
        if not os.path.islink(f)
    ]
    write = [scratch, *writable, "/dev/null"]
    return Policy(read=tuple(read), write=tuple(write))


def exposed(policy: Policy, secret_paths: list[str]) -> list[str]:
    """Secret paths that the policy would still let a learner read (an allowed folder holds them)."""
    out = []
    for secret in secret_paths:
        real = os.path.realpath(secret)
        for allowed in policy.read + policy.write:
            allowed = os.path.realpath(allowed)
            if real == allowed or real.startswith(allowed.rstrip("/") + "/"):
                out.append(secret)
                break
    return out


# ---------------------------------------------------------------- what is active here


@dataclass(frozen=True)
class Protection:
    name: str
    active: bool
    detail: str


def protections(secret_paths: list[str]) -> list[Protection]:
    """What this machine enforces on learner code, for ``grader doctor``."""
    from grader.engine import isolation, landlock

    abi = 0 if turned_off("landlock") else landlock.abi_version()
    no_namespaces = turned_off("namespaces") or isolation.namespaces_available()
    no_seccomp = turned_off("seccomp") or isolation.seccomp_available()
    linux = platform.system() == "Linux"
    policy = learner_policy([], "/nonexistent-scratch", [])
    leaks = exposed(policy, secret_paths) if abi else []
    out = [
        Protection(
            "separate process per run, killed as a group",
            True,
            "every solution runs in its own worker; on a timeout its process group gets SIGKILL",
        ),
        Protection(
            "kernel resource limits",
            hasattr(os, "fork"),
            "CPU time, address space, open files, file size and core dumps are capped with setrlimit",
        ),
        Protection(
            "escaped descendants killed",
            linux and become_subreaper(),
            "this process is a child subreaper: double-forked or new-session children come back here and are killed"
            if linux
            else "needs Linux (PR_SET_CHILD_SUBREAPER)",
        ),
        Protection(
            "grader memory unreadable",
            linux,
            "the grader process is non-dumpable, so /proc/<pid>/mem and environ are closed to other processes"
            if linux
            else "needs Linux (PR_SET_DUMPABLE)",
        ),
        Protection(
            "filesystem confinement (Landlock)",
            abi >= 1 and not leaks,
            f"Landlock ABI {abi}: learner code reads only the Python runtime and its own file, writes only its scratch folder"
            if abi >= 1 and not leaks
            else (
                f"these secret folders sit inside a folder the runtime needs: {', '.join(leaks)}"
                if leaks
                else f"not active: {turned_off('landlock')}"
                if turned_off("landlock")
                else "this kernel has no Landlock (Linux 5.13+ with landlock in the LSM list)"
            ),
        ),
        Protection(
            "no TCP connections",
            abi >= 4,
            "TCP connect and bind are refused (Landlock ABI 4+)"
            if abi >= 4
            else "needs Landlock ABI 4 (Linux 6.7+)",
        ),
        Protection(
            "no signals to the grader",
            abi >= 6,
            "signals and abstract sockets to processes outside the sandbox are refused (Landlock ABI 6+)"
            if abi >= 6
            else "needs Landlock ABI 6 (Linux 6.12+)",
        ),
        Protection(
            "own user, PID, network and mount namespaces",
            not no_namespaces,
            "learner code cannot see or reach any other process, has no network at all (UDP included), "
            "and writes into a capped scratch tmpfs; its processes end with the run"
            if not no_namespaces
            else f"not active: {no_namespaces}",
        ),
        Protection(
            "seccomp filter",
            not no_seccomp,
            "limits, priorities, affinities and memory of other processes, ptrace, mounts, new namespaces "
            "and clone flags that leave the process tree are refused"
            if not no_seccomp
            else f"not active: {no_seccomp}",
        ),
        Protection(
            "scrubbed environment",
            True,
            "learner processes see only PATH, locale and JAX settings: no tokens or CI secrets",
        ),
    ]
    return out
