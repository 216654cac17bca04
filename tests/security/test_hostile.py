"""Adversarial submissions: each tries to fake a pass, steal hidden material, escape its limits
or outlive its run. None may pass, hang the grader, leave a process behind, or change the
verdict of another submission graded beside it."""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.engine import daemon, landlock
from grader.engine.runner import RunOptions
from helpers import COURSE, FAULTS, HOSTILE, REPO, read_directive, run_cli
from processes import MARKER, leftovers

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

HOSTILE_FILES = sorted(HOSTILE.glob("*.py"))
BROKEN = sorted(FAULTS.glob("*.py"))
SUITE = HOSTILE_FILES + [p for p in BROKEN if read_directive(p)[0] != "passed"]
CORRECT = COURSE / "reference" / "scale-by" / "solution.py"
SECRETS = {"GRADER_TEST_SECRET": "s3cret", "GITHUB_TOKEN": "ghp_fake", "CI_JOB_TOKEN": "fake"}
# the longest a run may take by design (grader/engine/clock.py): a step starved of CPU meets the 60 s
# wall-clock backstop twice (the retry), after a worker start-up; on a quiet machine a run takes
# a few seconds, and a loop, a sleeper or a stopped process ends after 3 s of CPU or 5 s idle
WALL_BOUND = 2 * 60 + 60 + 60


# each mode of the suite: how the workers start, and which protection is turned off (to show
# that the others still hold, and that the grader says what is missing)
MODES = {
    "fresh-workers": ("0", ""),
    "daemon": ("1", ""),
    "without-namespaces": ("0", "namespaces"),
    "without-seccomp": ("0", "seccomp"),
    "without-landlock": ("0", "landlock"),
}


def requirement(path: Path) -> int:
    for line in path.read_text().splitlines()[1:4]:
        if line.startswith("# requires: landlock-abi>="):
            return int(line.split(">=")[1])
    return 0


def needs(path: Path) -> list[set[str]]:
    """The protections a submission is defended by, one line each: ``# requires: a|b`` (either
    holds it off); ``landlock-abi>=N`` counts as landlock."""
    groups = []
    for line in path.read_text().splitlines()[1:4]:
        if line.startswith("# requires: "):
            words = line.split(":", 1)[1].strip()
            groups.append({"landlock"} if words.startswith("landlock-abi") else set(words.split("|")))
    return groups


def defended(path: Path, off: str) -> bool:
    return all(group - {off} for group in needs(path))


class Listener:
    """A TCP server and a UDP socket on loopback that only count who reached them."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.settimeout(0.2)
        self.udp_port = self.udp.getsockname()[1]
        self.connections = 0
        self.datagrams = 0
        self.stop = False
        self.threads = [
            threading.Thread(target=self._serve, daemon=True),
            threading.Thread(target=self._receive, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def _receive(self):
        while not self.stop:
            try:
                self.udp.recv(4096)
            except OSError:
                continue
            self.datagrams += 1

    def close(self):
        self.stop = True
        for thread in self.threads:
            thread.join(timeout=2)
        self.sock.close()
        self.udp.close()


def _standing() -> dict:
    """What learner code must not be able to change in this (same-user) process: its limits,
    priority, CPU affinity and I/O priority."""
    import ctypes
    import resource

    libc = ctypes.CDLL(None, use_errno=True)
    return {
        "limits": [
            resource.getrlimit(r) for r in (resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_FSIZE)
        ],
        "nice": os.getpriority(os.PRIO_PROCESS, 0),
        "affinity": sorted(os.sched_getaffinity(0)),
        "ioprio": libc.syscall(252, 1, 0),
    }  # ioprio_get(IOPRIO_WHO_PROCESS, self) on x86_64


def _cache_fingerprint(folder: Path) -> dict:
    """Every file of the grader's cache (expected outputs, compilation caches) but the daemon's
    own folder: learner runs write none of them, so no later run can read what a learner wrote."""
    files = [p for p in folder.rglob("*") if p.is_file() and "daemon" not in p.relative_to(folder).parts]
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


@pytest.fixture(
    scope="module", params=[m if not MODES[m][1] else pytest.param(m, marks=pytest.mark.slow) for m in MODES]
)
def suite(request, tmp_path_factory):
    """Every submission checked by workers started afresh (CI, scripts) and by workers forked
    from the daemon kept between checks (at a terminal); then with each kernel protection
    turned off in turn, every submission that the others still defend against."""
    daemon_on, off = MODES[request.param]
    mode = {"GRADER_DAEMON": daemon_on, "GRADER_DISABLE": off}
    cache = Path(os.environ["GRADER_CACHE_DIR"])
    warm = run_cli(
        "--root", str(COURSE), "check", "scale-by", "--file", str(CORRECT), "--format", "json", env=mode
    )
    assert warm.json()["status"] == "passed"
    before = _cache_fingerprint(cache)
    standing = _standing()
    listener = Listener()
    folder = tmp_path_factory.mktemp("hostile")
    jobs = []
    # with a protection off, only the submissions that kernel protections defend against have
    # anything new to show (those with a "# requires:" line; "subreaper" is never off)
    for path in [
        p for p in (SUITE if not off else HOSTILE_FILES) if defended(p, off) and (not off or needs(p))
    ]:
        text = (
            path.read_text()
            .replace("{{REPO}}", str(REPO))
            .replace("{{COURSE}}", str(COURSE))
            .replace("{{CACHE_DIR}}", str(cache))
            .replace("{{PORT}}", str(listener.port))
            .replace("{{UDP_PORT}}", str(listener.udp_port))
            .replace("{{MARKER}}", MARKER)
            .replace("{{DAEMON_FOLDER}}", str(daemon.folder_for(RunOptions())))
        )
        copy = folder / path.name
        copy.write_text(text)
        jobs.append((path, copy))
    # bystanders: a correct submission graded between the hostile ones must still pass
    for i in range(3):
        jobs.insert(len(jobs) * (i + 1) // 4, (CORRECT, CORRECT))

    def grade(job):
        began = time.monotonic()
        result = run_cli(
            "--root",
            str(COURSE),
            "check",
            "scale-by",
            "--file",
            str(job[1]),
            "--format",
            "json",
            env=dict(SECRETS, **mode),
        )
        return job[0], result, time.monotonic() - began

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(grade, jobs))
    finally:
        listener.close()
    after_suite = run_cli(
        "--root", str(COURSE), "check", "scale-by", "--file", str(CORRECT), "--format", "json", env=mode
    )
    return {
        "off": off,
        "results": {p: (r, t) for p, r, t in outcomes if p != CORRECT},
        "bystanders": [r for p, r, t in outcomes if p == CORRECT],
        "listener": listener,
        "cache_before": before,
        "cache_after": _cache_fingerprint(cache),
        "standing_before": standing,
        "standing_after": _standing(),
        "after_suite": after_suite,
    }


def test_the_suite_is_large_enough():
    assert len(SUITE) >= 30


@pytest.mark.parametrize("path", SUITE, ids=lambda p: p.stem)
def test_hostile_submission_gets_its_status(suite, path):
    need = requirement(path)
    if need and landlock.abi_version() < need:
        pytest.skip(
            f"needs Landlock ABI {need}; this kernel has {landlock.abi_version()} (see grader doctor)"
        )
    if path not in suite["results"]:
        pytest.skip(
            f"not run with {suite['off']} off: only it defends against this one, or no kernel protection is involved"
        )
    status, _ = read_directive(path)
    result, seconds = suite["results"][path]
    assert result.code in (0, 1), result.stderr
    report = result.json()
    assert report["status"] != "passed"
    assert report["status"] == status, (path.name, [c["message"] for c in report["cases"]])
    assert result.code == 1
    assert seconds < WALL_BOUND


def test_no_process_outlives_its_run(suite):
    time.sleep(0.5)
    assert leftovers() == []


def test_the_grader_says_what_is_missing(suite):
    notes = [n for r in suite["bystanders"] for n in r.json().get("notes", [])]
    if suite["off"]:
        said = [n for n in notes if f"GRADER_DISABLE={suite['off']}" in n]
        assert len(said) == len(suite["bystanders"])  # once per verdict
    else:
        assert not [n for n in notes if "protections" in n]


def test_no_tcp_connection_got_out(suite):
    if landlock.abi_version() < 4:
        pytest.skip("TCP confinement needs Landlock ABI 4")
    assert suite["listener"].connections == 0


def test_no_datagram_got_out(suite):
    assert suite["listener"].datagrams == 0


def test_other_processes_keep_their_limits_and_priorities(suite):
    assert suite["standing_after"] == suite["standing_before"]


def test_expected_output_cache_untouched(suite):
    assert suite["cache_before"] and suite["cache_after"] == suite["cache_before"]


def test_grader_keeps_serving_and_bystanders_pass(suite):
    assert all(r.json()["status"] == "passed" for r in suite["bystanders"])
    assert suite["after_suite"].json()["status"] == "passed"


def test_nothing_written_into_the_repository(suite):
    assert not (REPO / "results.json").exists()
    assert not (COURSE / "results.json").exists()


def test_memory_limit_is_configurable(tmp_path):
    bomb = tmp_path / "bomb.py"
    # numpy.empty reserves address space without touching it: quick, and counted by RLIMIT_AS
    bomb.write_text(
        "import numpy as np\n\ndef scale_by(x, factor):\n"
        "    hoard = np.empty(1500 << 20, dtype=np.uint8)\n    return x * factor\n"
    )
    roomy = run_cli("--root", str(COURSE), "check", "scale-by", "--file", str(bomb), "--format", "json")
    assert roomy.json()["status"] == "passed"  # 1.5 GiB fits in the default 4 GiB
    tight = run_cli(
        "--root",
        str(COURSE),
        "check",
        "scale-by",
        "--file",
        str(bomb),
        "--format",
        "json",
        env={"GRADER_MEMORY_LIMIT_MB": "2000"},
    )
    assert tight.json()["status"] == "error"  # JAX takes a good part of 2000 MiB of address space itself
    assert "MemoryError" in tight.json()["cases"][0]["message"]
