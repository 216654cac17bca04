"""The check daemon (grader.engine.daemon): kept between checks, fresh workers for each, nobody
without its token gets in, and it ends when idle or asked to."""

from __future__ import annotations

import json
import os
import re
import socket
import time
from pathlib import Path

import pytest

from grader.engine import daemon
from grader.engine.runner import RunOptions
from helpers import COURSE, run_cli, stop_daemons
from processes import daemon_pids

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

# the worker's pid, and how many earlier loads of learner code this process has seen: a mark left
# on a module every process keeps (pids and namespace numbers are reused, so they cannot tell a
# fresh process from an old one)
SHOWS_ITSELF = (
    "import os, sys\nseen = getattr(sys, '_grader_test_loads', 0)\n"
    "sys._grader_test_loads = seen + 1\nprint('pid', os.getpid(), 'earlier', seen)\n"
    "def scale_by(x, factor):\n    return x * factor\n"
)


def _check(path: Path, **env) -> str:
    """The text report of a passing check (it shows what the code printed)."""
    result = run_cli(
        "--root",
        str(COURSE),
        "check",
        "scale-by",
        "--file",
        str(path),
        env=dict({"GRADER_DAEMON": "1"}, **env),
    )
    assert result.code == 0, result.stdout + result.stderr
    return result.stdout


def _shown(report: str, name: str) -> int:
    return int(re.search(rf"\b{name} (\d+)", report).group(1))


def _daemon_pid(cache: Path) -> int:
    """The daemon serving checks with this cache folder."""
    found = daemon_pids(cache)
    assert len(found) == 1, found
    return found[0]


def _gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(scope="module")
def running():
    """A daemon started by a first check, and what that check's worker saw."""
    return _check_shows(Path(os.environ["GRADER_CACHE_DIR"]))


def _check_shows(cache: Path, **env) -> str:
    folder = cache / "shows"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "shows.py"
    path.write_text(SHOWS_ITSELF)
    return _check(path, GRADER_CACHE_DIR=str(cache), **env)


def test_checks_share_one_daemon_and_each_gets_a_fresh_worker(running):
    cache = Path(os.environ["GRADER_CACHE_DIR"])
    first = _daemon_pid(cache)
    again = _check_shows(cache)
    assert _daemon_pid(cache) == first  # the same daemon forked both
    # each check a new process: none saw the learner code loaded before
    assert _shown(running, "earlier") == 0 and _shown(again, "earlier") == 0


def test_the_daemon_lets_in_only_who_shows_its_token(running):
    folder = daemon.folder_for(RunOptions())
    token = (folder / "token").read_text()
    for wrong in ("", "0" * 64, token[:-1]):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        conn.settimeout(10)
        conn.connect(str(folder / "sock"))
        conn.send(json.dumps({"token": wrong}).encode())
        assert conn.recv(4096) == b""  # hung up on
        conn.close()
    # a fork request before any token: refused, and nothing forked
    read, write = os.pipe()
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    conn.settimeout(10)
    conn.connect(str(folder / "sock"))
    socket.send_fds(
        conn, [json.dumps({"id": 1, "cwd": "/", "env": {}}).encode()], [read, write, write, write]
    )
    assert conn.recv(4096) == b""
    conn.close()
    os.close(write)
    assert os.read(read, 1) == b""  # no process holds the pipe's other end
    os.close(read)
    zygote = daemon.connect(folder, RunOptions(), start=False)  # the right token still works
    zygote.close()


def test_the_daemon_ends_when_idle_and_when_asked(tmp_path):
    _check_shows(tmp_path / "idle-cache", GRADER_DAEMON_IDLE_SECONDS="1")
    assert _gone(_daemon_pid(tmp_path / "idle-cache"), 30)
    _check_shows(tmp_path / "stop-cache")
    parent = _daemon_pid(tmp_path / "stop-cache")
    stop_daemons(tmp_path / "stop-cache")
    assert _gone(parent, 30)
    assert not list((tmp_path / "stop-cache" / "daemon").glob("*/sock"))


def _pid_serving(folder: Path) -> int:
    (pid,) = [pid for pid in daemon_pids(folder.parent.parent) if str(folder) in _cmdline(pid)]
    return pid


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def test_a_new_daemon_retires_the_one_whose_code_it_replaces(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    current = daemon.folder_for(RunOptions())
    kind, code = current.name.split("-")
    assert len(kind) == 8 and len(code) == 12
    replaced = current.with_name(f"{kind}-{'0' * 12}")  # this kind, an earlier grader
    other_kind = current.with_name(f"{('1' if kind[0] == '0' else '0') * 8}-{code}")
    try:
        for folder in (replaced, other_kind):
            daemon.connect(folder, RunOptions()).close()
        old, unrelated = _pid_serving(replaced), _pid_serving(other_kind)
        daemon.connect(current, RunOptions()).close()
        assert _gone(old, 30)  # asked to end by its successor
        assert not _gone(unrelated, 1)  # another interpreter or platform: still serving
        daemon.connect(other_kind, RunOptions(), start=False).close()
        assert daemon.retire_stale(current) == []  # nothing of this kind left to retire
    finally:
        stop_daemons(tmp_path / "cache")


@pytest.mark.parametrize(
    "value, interactive, ci, expected",
    [
        ("", True, "", True),
        ("", False, "", False),
        ("", True, "true", False),
        ("1", False, "true", True),
        ("0", True, "", False),
        ("off", True, "", False),
        ("yes", False, "", True),
    ],
)
def test_when_checks_use_the_daemon(monkeypatch, value, interactive, ci, expected):
    monkeypatch.setenv("GRADER_DAEMON", value)
    monkeypatch.setenv("CI", ci)
    if not ci:
        monkeypatch.delenv("CI")
    assert daemon.enabled(interactive) is expected


def test_a_check_goes_on_without_the_daemon_when_it_cannot_start(tmp_path):
    deep = tmp_path / ("d" * 60) / ("e" * 60)  # too long a path for a Unix socket
    deep.mkdir(parents=True)
    path = deep / "shows.py"
    path.write_text(SHOWS_ITSELF)
    # no waiting for a daemon that cannot come up: well within the time a daemon gets to start
    result = run_cli(
        "--root",
        str(COURSE),
        "check",
        "scale-by",
        "--file",
        str(path),
        env={"GRADER_DAEMON": "1", "GRADER_CACHE_DIR": str(deep)},
        timeout=45,
    )
    assert result.code == 0 and "PASSED" in result.stdout, result.stdout + result.stderr
    assert not list((deep / "daemon").glob("*/sock"))


def test_a_new_jax_or_flax_gets_a_new_daemon(monkeypatch):
    from grader.engine import cache

    before = daemon.folder_for(RunOptions())
    real = cache.stack_versions()
    monkeypatch.setattr(cache, "stack_versions", lambda: dict(real, jax="0.0.0"))
    assert daemon.folder_for(RunOptions()) != before
    monkeypatch.setattr(cache, "stack_versions", lambda: dict(real))
    assert daemon.folder_for(RunOptions()) == before


def test_the_warm_path_forks_from_the_daemon_only_where_checks_use_it(monkeypatch):
    monkeypatch.setenv("GRADER_DAEMON", "0")
    with daemon.warm_run(RunOptions(), interactive=True) as run:
        assert run.workers is None and run.spread == 1
    monkeypatch.setenv("GRADER_DAEMON", "1")
    with daemon.warm_run(RunOptions(), interactive=False) as run:
        assert run.workers is not None  # the daemon is reached (or started) on the first worker taken
    own = object()
    with daemon.warm_run(RunOptions(workers=own), interactive=True) as run:
        assert run.workers is own  # a caller's own pool is kept
