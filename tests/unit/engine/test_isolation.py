"""The kernel walls a learner worker puts around itself (grader/engine/isolation.py), and the clock
that limits it by CPU and idle time (grader/engine/clock.py), each tried on a real process."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from grader.engine import isolation
from grader.engine.clock import Budget, StepClock
from helpers import REPO

NO_NAMESPACES = isolation.namespaces_available()
NO_SECCOMP = isolation.seccomp_available()

# run in a fresh interpreter: enters the walls, then tries to act on a process outside them
PROBE = r"""
import ctypes, errno, json, os, resource, signal, subprocess, sys, tempfile, threading
sys.path.insert(0, REPO)
from grader.engine import isolation
outside = int(sys.argv[1])
scratch = tempfile.mkdtemp()
os.chdir(scratch)
found = {"walls": {**isolation.enter_namespaces(scratch, 8 << 20), **isolation.install_seccomp()}}
libc = ctypes.CDLL(None, use_errno=True)

def attempt(name, fn):
    try:
        fn()
        found[name] = "allowed"
    except OSError as exc:
        found[name] = errno.errorcode.get(exc.errno, str(exc.errno))

def raw(number, *args):
    if libc.syscall(number, *args) < 0:
        raise OSError(ctypes.get_errno(), "refused")

attempt("prlimit-outside", lambda: resource.prlimit(outside, resource.RLIMIT_CPU, (1, 1)))
attempt("prlimit-pid-2", lambda: resource.prlimit(2, resource.RLIMIT_NOFILE, (64, 64)))
attempt("setpriority-user", lambda: os.setpriority(os.PRIO_USER, 0, 19))
attempt("setpriority-other", lambda: os.setpriority(os.PRIO_PROCESS, outside, 19))
attempt("affinity-other", lambda: os.sched_setaffinity(outside, {0}))
attempt("ioprio-user", lambda: raw(251, 3, 0, 3 << 13))
attempt("ptrace-attach", lambda: raw(101, 16, outside, 0, 0))
attempt("clone-parent", lambda: raw(56, 0x8000 | signal.SIGCHLD, 0, 0, 0, 0))
attempt("unshare-user", lambda: raw(272, 0x10000000))
attempt("mount-tmpfs", lambda: raw(165, b"none", b"/tmp", b"tmpfs", 0, None))
attempt("kill-outside", lambda: os.kill(outside, 0))
found["own-limit"] = resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128)) or "ok"
found["own-priority"] = os.setpriority(os.PRIO_PROCESS, 0, 5) or "ok"
box = []
t = threading.Thread(target=lambda: box.append("ok")); t.start(); t.join()
found["thread"] = box[0]
found["subprocess"] = subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True, text=True).stdout.strip()
found["pid"] = os.getpid()
found["others-visible"] = sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid())
try:
    with open("big", "wb") as fh:
        fh.write(b"x" * (16 << 20))
    found["scratch-cap"] = "none"
except OSError as exc:
    found["scratch-cap"] = errno.errorcode[exc.errno]
print(json.dumps(found))
"""


@pytest.mark.skipif(
    bool(NO_NAMESPACES or NO_SECCOMP), reason=f"{NO_NAMESPACES or NO_SECCOMP} (see grader doctor)"
)
def test_a_walled_process_cannot_act_on_others_but_can_work():
    outside = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        before = open(f"/proc/{outside.pid}/limits").read()
        run = subprocess.run(
            [sys.executable, "-c", PROBE.replace("REPO", repr(str(REPO))), str(outside.pid)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        found = json.loads(run.stdout)
        assert open(f"/proc/{outside.pid}/limits").read() == before
        assert os.getpriority(os.PRIO_PROCESS, outside.pid) == 0
    finally:
        outside.kill()
        outside.wait()
    assert found["walls"]["namespaces"] and found["walls"]["seccomp"]
    for attack in (
        "prlimit-outside",
        "prlimit-pid-2",
        "setpriority-user",
        "setpriority-other",
        "affinity-other",
        "ioprio-user",
        "ptrace-attach",
        "clone-parent",
        "unshare-user",
        "mount-tmpfs",
        "kill-outside",
    ):
        assert found[attack] in ("EPERM", "ESRCH"), (attack, found[attack])
    assert found["pid"] == 1 and found["others-visible"] == []  # the init of its own PID namespace, alone
    assert found["own-limit"] == found["own-priority"] == found["thread"] == found["subprocess"] == "ok"
    assert found["scratch-cap"] == "ENOSPC"


@pytest.fixture
def child():
    procs = []

    def start(code: str) -> subprocess.Popen:
        # its own process group, so that what it forks is stopped with it; and a CPU cap, so that
        # nothing spins on if this test run is itself killed before its cleanup
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            start_new_session=True,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CPU, (60, 60)),
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _until_stopped(clock: StepClock, seconds: float) -> str | None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        verdict = clock.check()
        if verdict:
            return verdict
        time.sleep(0.02)
    return None


def test_a_spinning_child_runs_out_of_cpu_time(child):
    proc = child("import os\nif os.fork() == 0:\n    while True: pass\nwhile True: pass\n")
    clock = StepClock(proc.pid, Budget(cpu_limit=0.6, idle_limit=30, wall_limit=60))
    assert _until_stopped(clock, 30) == "cpu"
    assert clock.cpu_used > 0.6


def test_a_sleeper_and_a_stopped_process_run_out_of_idle_time(child):
    sleeper = child("import time; time.sleep(60)")
    stopped = child("import time; time.sleep(0.2)\nwhile True: pass")
    time.sleep(0.5)
    os.kill(stopped.pid, signal.SIGSTOP)
    for proc in (sleeper, stopped):
        clock = StepClock(proc.pid, Budget(cpu_limit=30, idle_limit=0.5, wall_limit=60))
        assert _until_stopped(clock, 10) == "idle"


def test_the_wall_clock_is_only_a_backstop(child):
    proc = child("import time; time.sleep(60)")
    clock = StepClock(proc.pid, Budget(cpu_limit=30, idle_limit=30, wall_limit=0.3))
    assert _until_stopped(clock, 10) == "wall"
    assert "wall-clock" in clock.describe("wall") and "CPU" in StepClock(1, Budget.for_limit(3)).describe(
        "cpu"
    )


WALLS = {
    "own user, PID, network and mount namespaces": "namespaces",
    "seccomp filter": "seccomp",
    "filesystem confinement (Landlock)": "landlock",
}


@pytest.mark.parametrize("off", ["", "namespaces", "seccomp", "landlock"])
def test_doctor_lists_the_kernel_walls(off):
    from helpers import run_cli

    result = run_cli("doctor", env={"GRADER_DISABLE": off, "COLUMNS": "200"})
    rows = {
        name: line
        for line in result.stdout.splitlines()
        if line.startswith("│")
        for name in WALLS
        if name in line
    }
    assert set(rows) == set(WALLS), result.stdout
    for name, line in rows.items():
        wanted_off = off and off == WALLS[name]
        assert ("✗" in line) == bool(wanted_off), line
        if wanted_off:
            assert f"GRADER_DISABLE={off}" in line
