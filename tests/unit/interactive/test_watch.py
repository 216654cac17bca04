"""``grader watch`` driven in a real pseudo-terminal, and its loop driven directly."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from pexpect import fdpexpect

from grader.course.catalogue import load_catalogue
from grader.course.workspace import Workspace
from grader.grading.results import ProblemResult, ProblemStatus
from grader.interactive.watch import Terminal
from grader.interactive.watch_loop import WatchLoop
from grader.interactive.watch_view import render_screen
from helpers import COURSE, HOSTILE
from processes import MARKER, leftovers

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

RIGHT = "import jax.numpy as jnp\n\n\ndef scale_by(x, factor):\n    return x * factor\n"
WRONG = "import jax.numpy as jnp\n\n\ndef scale_by(x, factor):\n    return x + factor\n"


@pytest.fixture
def course(tmp_path):
    """The fixture course with a second problem, so that n and p have somewhere to go."""
    root = tmp_path / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("problems", "reference"):
        shutil.copytree(root / part / "scale-by", root / part / "scale-again")
    toml = root / "problems" / "scale-again" / "problem.toml"
    toml.write_text(
        toml.read_text()
        .replace('title = "Scale an array"', 'title = "Scale it again"')
        .replace("position = 1", "position = 2")
    )
    return root


class Pty:
    """A child process on its own pseudo-terminal, which it has as controlling terminal."""

    def __init__(self, args: list[str], rows: int = 40, cols: int = 100, cwd: Path | None = None):
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.before = termios.tcgetattr(self.slave)
        env = dict(os.environ, NO_COLOR="1", TERM="xterm")
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        self.proc = subprocess.Popen(
            args,
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        self.term = fdpexpect.fdspawn(self.master, timeout=60, encoding="utf-8")

    def expect(self, pattern: str, timeout: float = 60) -> str:
        self.term.expect_exact(pattern, timeout=timeout)
        return self.term.before + self.term.after

    def wait(self, timeout: float = 30) -> int:
        code = self.proc.wait(timeout=timeout)
        return code

    def attrs(self) -> list:
        return termios.tcgetattr(self.slave)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


def watch(root: Path, *args: str, **kw) -> Pty:
    ws = root / "workspace"
    return Pty(
        [sys.executable, "-m", "grader", "--root", str(root), "--workspace", str(ws), "watch", *args],
        cwd=root,
        **kw,
    )


def save(path: Path, text: str) -> None:
    """Save like an editor that writes a temporary file and renames it over the original."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


def recorded(ws: Path, slug: str, status: str, timeout: float = 60) -> None:
    """Wait until the workspace has recorded ``status`` for ``slug``."""
    deadline = time.monotonic() + timeout
    while Workspace(ws).problem_state(slug).get("status") != status:
        assert time.monotonic() < deadline, f"{slug} was never recorded as {status}"
        time.sleep(0.1)


def test_watch_checks_each_save_and_every_key_does_what_the_footer_says(course):
    ws = course / "workspace"
    t = watch(course)
    try:
        screen = t.expect("saves are checked")
        assert "scale-by · Scale an array" in screen
        assert "Multiply an array by a scalar" in screen  # the summary
        assert "0/2 solved" in screen
        t.expect("q quit")
        t.expect("NOT IMPLEMENTED")  # the stub, checked on opening

        save(ws / "scale-by.py", WRONG)
        t.expect("FAILED")
        save(ws / "scale-by.py", RIGHT)
        t.expect("1/2 solved")
        screen = t.expect("Solved! Press n for the next problem.")
        assert "PASSED" in screen

        t.term.send("h")
        t.expect("Hint 1/2: Multiply.")
        t.term.send("h")
        t.expect("Hint 2/2: Return x * factor.")
        t.term.send("s")
        t.expect("arrives as a float32 array")
        t.term.send("l")
        t.expect("difficulty")  # the list's table
        screen = t.expect("not started")
        assert "scale-by" in screen and "✓ solved" in screen and "scale-again" in screen
        t.term.send("c")
        t.expect("Checking scale-by")
        t.expect("PASSED")

        t.term.send("n")
        screen = t.expect("scale-again · Scale it again")
        assert (ws / "scale-again.py").exists()  # opened problems get their copy of the stub
        t.expect("NOT IMPLEMENTED")  # its stub, checked on moving to it
        t.term.send("n")
        t.expect("This is the last problem.")
        save(ws / "scale-again.py", WRONG)
        t.expect("FAILED")
        recorded(ws, "scale-again", "failed")  # confirmed: no check runs now to cover the next message
        t.term.send("r")
        t.expect("[y/N]")
        t.term.send("x")
        t.expect("Nothing changed.")
        assert (ws / "scale-again.py").read_text() == WRONG
        t.term.send("r")
        t.expect("[y/N]")
        t.term.send("y")
        t.expect("Restored scale-again.py from the stub.")
        assert (ws / "scale-again.py").read_text() == (
            course / "problems" / "scale-again" / "stub.py"
        ).read_text()

        t.term.send("p")
        t.expect("Checking scale-by")  # moving to a problem checks its file
        t.expect("Solved! Press n for the next problem.")
        t.term.send("q")
        assert t.wait() == 0
        assert t.attrs() == t.before
    finally:
        t.close()
    state = Workspace(ws).load_state()["problems"]
    assert state["scale-by"]["status"] == "passed" and state["scale-by"]["attempts"] == 3
    assert state["scale-by"]["hints_shown"] == 2
    assert state["scale-again"]["status"] == "failed"


def test_watch_shows_a_verdict_on_opening_without_a_key_or_a_save(course):
    ws = course / "workspace"
    ws.mkdir()
    (ws / "scale-by.py").write_text(WRONG)  # edited before watch started
    t = watch(course)
    try:
        screen = t.expect("FAILED")
        assert "scale-by · Scale an array" in screen
        recorded(ws, "scale-by", "failed")  # the learner's own content: counted
        t.term.send("q")
        assert t.wait() == 0
    finally:
        t.close()
    state = Workspace(ws).problem_state("scale-by")
    assert state["status"] == "failed" and state["attempts"] == 1


def test_watch_opens_on_the_first_unsolved_problem(course):
    Workspace(course / "workspace").record_check("scale-by", "passed")
    t = watch(course)
    try:
        t.expect("scale-again · Scale it again")
        t.term.send("q")
        assert t.wait() == 0
    finally:
        t.close()


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm"])
def test_a_small_terminal_gets_the_essentials_and_is_restored_when_interrupted(course, stop):
    t = watch(course, "scale-again", rows=8, cols=40)
    try:
        screen = t.expect("r q")  # the footer, without labels
        assert "scale-again" in screen and "summary" not in screen
        time.sleep(0.3)
        if stop == "ctrl-c":
            t.term.send("\x03")
            assert t.wait() == 130
        else:
            t.proc.send_signal(signal.SIGTERM)
            assert t.wait() == 143
        assert t.attrs() == t.before
    finally:
        t.close()


def test_the_terminal_is_restored_when_the_loop_crashes():
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        with open(os.devnull, "w") as out, pytest.raises(RuntimeError):
            with Terminal(slave, out):
                assert termios.tcgetattr(slave)[3] & termios.ICANON == 0  # cbreak while inside
                raise RuntimeError("boom")
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


# ---------------------------------------------------------------- the loop, without a terminal


def _result(slug: str, status: ProblemStatus) -> ProblemResult:
    return ProblemResult(slug=slug, title="", status=status, cases=[])


def test_the_newest_save_wins_and_no_check_starts_while_one_runs(course, tmp_path):
    ws = Workspace(tmp_path / "ws")
    loop = WatchLoop.open(load_catalogue(course).problems, ws)
    opening = loop.check_on_open()
    assert opening is not None and not opening.record  # the untouched stub: shown, not counted
    loop.on_graded(opening, _result("scale-by", ProblemStatus.NOT_IMPLEMENTED))
    assert loop.result.status is ProblemStatus.NOT_IMPLEMENTED and "attempts" not in ws.problem_state(
        "scale-by"
    )
    assert loop.on_saved({loop.path}) is None  # the stub again: checked already
    save(loop.path, WRONG)
    first = loop.on_saved({loop.path})
    assert first is not None
    save(loop.path, RIGHT)
    assert loop.on_saved({loop.path}) is None and loop.queued  # in flight: wait
    follow = loop.on_graded(first, _result("scale-by", ProblemStatus.FAILED))
    assert follow is not None and follow.digest != first.digest
    assert loop.result.status is ProblemStatus.NOT_IMPLEMENTED  # the out-of-date verdict is not shown
    assert loop.on_saved({loop.path}) is None  # the same content again (a second write)
    loop.on_graded(follow, _result("scale-by", ProblemStatus.PASSED))
    assert loop.result.status is ProblemStatus.PASSED and loop.message.startswith("Solved")
    assert loop.on_saved({tmp_path / "elsewhere.py"}) is None
    assert ws.problem_state("scale-by")["attempts"] == 2


def test_a_verdict_for_a_problem_left_behind_is_recorded_but_not_shown(course, tmp_path):
    ws = Workspace(tmp_path / "ws")
    loop = WatchLoop.open(load_catalogue(course).problems, ws)
    request = loop.on_key("c")
    assert loop.on_key("n") is None  # one check at a time: the new problem's waits
    follow = loop.on_graded(request, _result("scale-by", ProblemStatus.PASSED))
    assert loop.problem.slug == "scale-again" and loop.result is None
    assert follow is not None and follow.problem.slug == "scale-again"  # then it is checked
    assert ws.problem_state("scale-by")["status"] == "passed"
    assert "1/2 solved" in render_screen(loop, 80, 30, color=False)


def test_moving_checks_the_file_and_moving_back_counts_no_new_attempt(course, tmp_path):
    ws = Workspace(tmp_path / "ws")
    loop = WatchLoop.open(load_catalogue(course).problems, ws)
    save(loop.path, WRONG)
    first = loop.check_on_open()
    assert first.record  # the learner's own content: counted
    loop.on_graded(first, _result("scale-by", ProblemStatus.FAILED))
    to_next = loop.on_key("n")
    assert to_next is not None and to_next.problem.slug == "scale-again" and not to_next.record
    loop.on_graded(to_next, _result("scale-again", ProblemStatus.NOT_IMPLEMENTED))
    back = loop.on_key("p")
    assert back is not None and back.problem.slug == "scale-by" and not back.record  # checked already
    loop.on_graded(back, _result("scale-by", ProblemStatus.FAILED))
    assert loop.result.status is ProblemStatus.FAILED
    assert ws.problem_state("scale-by")["attempts"] == 1 and "attempts" not in ws.problem_state("scale-again")


def test_what_a_key_did_stays_in_view_while_a_check_runs(course, tmp_path):
    loop = WatchLoop.open(load_catalogue(course).problems, Workspace(tmp_path / "ws"))
    loop.on_key("n")  # starts the check of the problem moved to
    loop.on_key("n")
    footer = render_screen(loop, 100, 30, color=False)
    assert "Checking scale-again… · This is the last problem." in footer


def test_the_screen_fits_the_terminal(course, tmp_path):
    loop = WatchLoop.open(load_catalogue(course).problems, Workspace(tmp_path / "ws"))
    loop.on_key("s")
    for width, height in ((100, 40), (60, 12), (40, 8), (20, 4)):
        lines = render_screen(loop, width, height, color=False).split("\n")
        assert len(lines) <= height
        assert all(len(line) <= width for line in lines)
        assert "q" in lines[-1]


def test_quitting_records_the_check_in_flight_first(course, tmp_path, monkeypatch):
    import queue
    import threading

    from grader.interactive import watch as watch_module

    ws = Workspace(tmp_path / "ws")
    loop = WatchLoop.open(load_catalogue(course).problems, ws)
    request = loop.on_key("c")
    events: queue.Queue = queue.Queue()
    threading.Timer(
        0.3, events.put, [("graded", (request, _result("scale-by", ProblemStatus.PASSED), ""))]
    ).start()
    watch_module._finish_running(loop, events)
    assert loop.running is None and ws.problem_state("scale-by")["status"] == "passed"
    # a check that does not end in time is left behind, unrecorded
    monkeypatch.setattr(watch_module, "QUIT_WAIT_SECONDS", 0.2)
    request = loop.on_key("n")  # moving to a problem checks its file
    assert request is not None and request.problem.slug == "scale-again"
    watch_module._finish_running(loop, events)
    assert loop.running is request and "attempts" not in ws.problem_state("scale-again")


def test_nothing_a_checked_file_started_outlives_watch(course):
    """Both kinds of worker watch uses (the one kept between saves, and the fresh one that
    confirms its verdict) take what the learner's code started with them."""
    ws = course / "workspace"
    escaping = (HOSTILE / "escaping_double_fork.py").read_text().replace("{{MARKER}}", MARKER)
    t = watch(course)
    try:
        t.expect("saves are checked")
        save(ws / "scale-by.py", escaping)
        t.expect("FAILED")
        t.term.send("q")
        assert t.wait() == 0
    finally:
        t.close()
    assert leftovers() == []
