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

from conftest import COURSE, FIXTURES, REPO, read_directive, run_cli
from grader import daemon, landlock
from grader.runner import RunOptions

HOSTILE = sorted((FIXTURES / "hostile").glob("*.py"))
BROKEN = sorted((FIXTURES / "faults").glob("*.py"))
SUITE = HOSTILE + [p for p in BROKEN if read_directive(p)[0] != "passed"]
CORRECT = COURSE / "reference" / "scale-by" / "solution.py"
MARKER = "grader-hostile-marker-7f3a"
SECRETS = {"GRADER_TEST_SECRET": "s3cret", "GITHUB_TOKEN": "ghp_fake", "CI_JOB_TOKEN": "fake"}
# per case 3 s x 4 cases, +2 cases of slack, + worker start-up: a run must end well within this
WALL_BOUND = 3 * 6 + 60


def requirement(path: Path) -> int:
    for line in path.read_text().splitlines()[1:3]:
        if line.startswith("# requires: landlock-abi>="):
            return int(line.split(">=")[1])
    return 0


class Listener:
    """A TCP server on loopback that only counts who reached it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.stop = True
        self.thread.join(timeout=2)
        self.sock.close()


def _cache_fingerprint(folder: Path) -> dict:
    """Expected outputs and the trusted compilation cache: what no learner may write."""
    files = list(folder.glob("*.bin")) + [p for p in (folder / "jax" / "trusted").rglob("*") if p.is_file()]
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files)}


def _leftovers() -> list[str]:
    """Processes of finished runs: the marker of our hostile children, or any process whose
    HOME is a grader scratch folder that no longer exists (its run is over)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        home = next((e[5:].decode(errors="replace") for e in env if e.startswith(b"HOME=")), "")
        stale = "grader-run-" in home and not os.path.isdir(home)
        if MARKER in cmd or stale:
            found.append(f"{pid}: {cmd[:120]}")
    return found


@pytest.fixture(scope="module", params=["fresh-workers", "daemon"])
def suite(request, tmp_path_factory):
    """Every submission checked twice over: by workers started afresh (CI, scripts) and by
    workers forked from the daemon kept between checks (at a terminal)."""
    mode = {"GRADER_DAEMON": "1" if request.param == "daemon" else "0"}
    cache = Path(os.environ["GRADER_CACHE_DIR"])
    warm = run_cli("--root", str(COURSE), "check", "scale-by", "--file", str(CORRECT), "--format", "json", env=mode)
    assert warm.json()["status"] == "passed"
    before = _cache_fingerprint(cache)
    listener = Listener()
    folder = tmp_path_factory.mktemp("hostile")
    jobs = []
    for path in SUITE:
        text = (path.read_text().replace("{{REPO}}", str(REPO)).replace("{{COURSE}}", str(COURSE))
                .replace("{{CACHE_DIR}}", str(cache)).replace("{{PORT}}", str(listener.port))
                .replace("{{MARKER}}", MARKER)
                .replace("{{DAEMON_FOLDER}}", str(daemon.folder_for(RunOptions()))))
        copy = folder / path.name
        copy.write_text(text)
        jobs.append((path, copy))
    # bystanders: a correct submission graded between the hostile ones must still pass
    for i in range(3):
        jobs.insert(len(jobs) * (i + 1) // 4, (CORRECT, CORRECT))

    def grade(job):
        began = time.monotonic()
        result = run_cli("--root", str(COURSE), "check", "scale-by", "--file", str(job[1]), "--format", "json",
                         env=dict(SECRETS, **mode))
        return job[0], result, time.monotonic() - began

    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(grade, jobs))
    finally:
        listener.close()
    after_suite = run_cli("--root", str(COURSE), "check", "scale-by", "--file", str(CORRECT), "--format", "json",
                          env=mode)
    return {
        "results": {p: (r, t) for p, r, t in outcomes if p != CORRECT},
        "bystanders": [r for p, r, t in outcomes if p == CORRECT],
        "listener": listener,
        "cache_before": before,
        "cache_after": _cache_fingerprint(cache),
        "after_suite": after_suite,
    }


def test_the_suite_is_large_enough():
    assert len(SUITE) >= 30


@pytest.mark.parametrize("path", SUITE, ids=lambda p: p.stem)
def test_hostile_submission_gets_its_status(suite, path):
    need = requirement(path)
    if need and landlock.abi_version() < need:
        pytest.skip(f"needs Landlock ABI {need}; this kernel has {landlock.abi_version()} (see grader doctor)")
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
    assert _leftovers() == []


def test_no_tcp_connection_got_out(suite):
    if landlock.abi_version() < 4:
        pytest.skip("TCP confinement needs Landlock ABI 4")
    assert suite["listener"].connections == 0


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
    bomb.write_text("import numpy as np\n\ndef scale_by(x, factor):\n"
                    "    hoard = np.empty(1500 << 20, dtype=np.uint8)\n    return x * factor\n")
    roomy = run_cli("--root", str(COURSE), "check", "scale-by", "--file", str(bomb), "--format", "json")
    assert roomy.json()["status"] == "passed"  # 1.5 GiB fits in the default 4 GiB
    tight = run_cli("--root", str(COURSE), "check", "scale-by", "--file", str(bomb), "--format", "json",
                    env={"GRADER_MEMORY_LIMIT_MB": "2000"})
    assert tight.json()["status"] == "error"  # JAX takes a good part of 2000 MiB of address space itself
    assert "MemoryError" in tight.json()["cases"][0]["message"]
