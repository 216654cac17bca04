"""``grader watch``: the terminal around the watch loop.

Keys arrive one at a time (cbreak mode), saves arrive from a watchfiles thread, verdicts from
a grading thread; all of them reach the loop through this module's main thread, which alone
touches the loop and the screen. The terminal is restored on quit, Ctrl-C, SIGTERM/SIGHUP and
on any exception.
"""

from __future__ import annotations

import os
import queue
import select
import shutil
import signal
import sys
import termios
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from grader.course.catalogue import Problem
from grader.course.workspace import Workspace, display
from grader.engine.live import LiveWorker
from grader.errors import GraderError
from grader.grading.assess import GradeOptions, grade_problem
from grader.grading.results import ProblemResult
from grader.interactive.watch_loop import RunRequest, WatchLoop, same_verdict
from grader.interactive.watch_view import render_screen

Grade = Callable[[Problem, Path], ProblemResult]

SAVE_STEP_MS = 50  # saves closer together than this are one save (editors write in two steps)
QUIT_WAIT_SECONDS = 10.0  # on quit, how long the check in flight may take to be recorded
QUICK_HEAD_START = 0.3  # seconds the quick check has the cores to itself before the confirming one starts
POLL_SECONDS = 0.1

_ENTER = "\x1b[?1049h\x1b[?25l"  # alternate screen, hide the cursor
_LEAVE = "\x1b[?25h\x1b[?1049l"
_CLEAR = "\x1b[H\x1b[2J"


class WatchError(GraderError):
    """Watch cannot start here (no terminal, no problems)."""


class _Stopped(Exception):
    """SIGTERM or SIGHUP: leave like a quit, through the finally blocks."""


def grader_for(options: GradeOptions) -> Grade:
    """The default grading function: a real, isolated check of the learner's file."""

    def grade(problem: Problem, path: Path) -> ProblemResult:
        return grade_problem(problem, path, display(path), options)

    return grade


class QuickCheck:
    """Checks a save in the worker kept between checks (grader.engine.live): a verdict in a blink, which
    the fresh-process check that follows confirms or corrects."""

    def __init__(self, options: GradeOptions, live: LiveWorker):
        self.options = replace(options, run=replace(options.run, workers=live))
        self.live = live

    def __call__(self, problem: Problem, path: Path) -> ProblemResult:
        return grade_problem(problem, path, display(path), self.options)

    def prepare(self, path: Path) -> None:
        """Start the worker for this file now, so that its imports are done before the save."""
        # the kept worker runs the grader's copy of the file (grading.grade_problem), not the file
        self.live.warm(self.options.run, (str(Path(self.live.copy_folder()) / path.name),))

    def confirmed(self, quick: ProblemResult, final: ProblemResult) -> None:
        if not same_verdict(quick, final):  # something from an earlier save lingers: start afresh
            self.live.close()


class Terminal:
    """cbreak mode and the alternate screen for the life of a ``with`` block, always undone."""

    def __init__(self, fd: int, out: TextIO):
        self.fd, self.out = fd, out
        self.saved: list | None = None

    def __enter__(self) -> Terminal:
        self.saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd, termios.TCSANOW)  # keys one by one, no echo; Ctrl-C still signals
        self.out.write(_ENTER)
        self.out.flush()
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.out.write(_LEAVE)
            self.out.flush()
        finally:
            if self.saved is not None:  # set by __enter__
                termios.tcsetattr(self.fd, termios.TCSADRAIN, self.saved)

    def size(self) -> tuple[int, int]:
        size = shutil.get_terminal_size((80, 24))
        return size.columns, size.lines


def run_watch(
    problems: list[Problem],
    workspace: Workspace,
    slug: str | None,
    grade: Grade,
    fd: int | None = None,
    out: TextIO | None = None,
    quick: QuickCheck | None = None,
) -> int:
    """Run the interactive loop on the terminal at ``fd`` until the learner quits. Returns an
    exit code. With ``quick``, each check shows a quick verdict first, then ``grade``'s."""
    fd = sys.stdin.fileno() if fd is None else fd
    out = sys.stdout if out is None else out
    if not os.isatty(fd):
        raise WatchError("grader watch needs an interactive terminal; use `grader check SLUG` in scripts")
    loop = WatchLoop.open(problems, workspace, slug)
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    color = "NO_COLOR" not in os.environ
    resized = threading.Event()
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGWINCH)}

    def stopped(signum, frame):
        raise _Stopped()

    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGHUP, stopped)
    signal.signal(signal.SIGWINCH, lambda *_: resized.set())
    watcher = threading.Thread(target=_watch_files, args=(workspace.folder, events, stop), daemon=True)
    try:
        with Terminal(fd, out) as term:
            watcher.start()
            if quick is not None:
                quick.prepare(loop.path)
            _start(loop.check_on_open(), events, grade, quick)  # the verdict on opening, no save needed
            _draw(loop, term, color)
            while not loop.quit:
                if quick is not None:
                    quick.prepare(loop.path)
                changed = _read_keys(fd, loop, events, grade, quick)
                changed = _drain(events, loop, grade, quick) or changed
                if changed or resized.is_set():
                    resized.clear()
                    _draw(loop, term, color)
            if loop.running is not None:
                loop.message = "Recording the check in flight before leaving… (Ctrl-C leaves now)"
                _draw(loop, term, color)
                _finish_running(loop, events)
        return 0
    except KeyboardInterrupt:
        return 130
    except _Stopped:
        return 143
    finally:
        stop.set()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _read_keys(fd: int, loop: WatchLoop, events: queue.Queue, grade: Grade, quick) -> bool:
    ready, _, _ = select.select([fd], [], [], POLL_SECONDS)
    if not ready:
        return False
    data = os.read(fd, 64)
    if not data:  # the terminal went away
        loop.quit = True
        return True
    for key in data.decode("utf-8", errors="ignore"):
        _start(loop.on_key(key), events, grade, quick)
        if loop.quit:
            break
    return True


def _drain(events: queue.Queue, loop: WatchLoop, grade: Grade, quick) -> bool:
    changed = False
    while True:
        try:
            kind, payload = events.get_nowait()
        except queue.Empty:
            return changed
        changed = True
        if kind == "saved":
            _start(loop.on_saved(payload), events, grade, quick)
        elif kind == "quick":
            loop.on_quick(*payload)
        elif kind == "graded":
            request, result, error = payload
            _start(loop.on_graded(request, result, error), events, grade, quick)
        elif kind == "watching":
            loop.watching = True
        elif kind == "watch-failed":
            loop.message = f"Cannot watch for saves ({payload}); press c to check."


def _finish_running(loop: WatchLoop, events: queue.Queue) -> None:
    """On quit, wait (a little) for the check in flight so that its verdict is recorded; the
    learner may already have seen its quick verdict. Saves queued behind it are not checked."""
    deadline = time.monotonic() + QUIT_WAIT_SECONDS
    while loop.running is not None and time.monotonic() < deadline:
        try:
            kind, payload = events.get(timeout=0.1)
        except queue.Empty:
            continue
        if kind == "graded" and payload[0] is loop.running:
            loop.queued = False
            loop.on_graded(*payload)


def _start(
    request: RunRequest | None, events: queue.Queue, grade: Grade, quick: QuickCheck | None = None
) -> None:
    if request is None:
        return

    def confirm(fast: list):
        try:
            final = grade(request.problem, request.path)
        except Exception as exc:  # a broken problem: say so on screen, keep the loop alive
            events.put(("graded", (request, None, f"{type(exc).__name__}: {exc}")))
            return
        if fast and quick is not None:
            quick.confirmed(fast[0], final)
        events.put(("graded", (request, final, "")))

    def fast_then_confirm():
        check = quick
        assert check is not None  # started only with a quick check
        fast: list = []
        done = threading.Event()

        def run_quick():
            try:
                fast.append(check(request.problem, request.path))
                events.put(("quick", (request, fast[0])))
            except Exception:  # no quick verdict this time: the confirmed one still comes
                pass
            finally:
                done.set()

        threading.Thread(target=run_quick, daemon=True).start()
        done.wait(QUICK_HEAD_START)  # a slow quick check (the first one) is not waited for
        confirm(fast)

    # daemon threads: quitting never waits for a check in flight
    target = fast_then_confirm if quick is not None else (lambda: confirm([]))
    threading.Thread(target=target, daemon=True).start()


def _watch_files(folder: Path, events: queue.Queue, stop: threading.Event) -> None:
    try:
        import watchfiles

        folder.mkdir(parents=True, exist_ok=True)
        announced = False
        # yield_on_timeout: an empty batch first says the watcher is running, then lets stop be seen
        for changes in watchfiles.watch(
            folder,
            stop_event=stop,
            step=SAVE_STEP_MS,
            rust_timeout=300,
            yield_on_timeout=True,
            recursive=False,
            raise_interrupt=False,
        ):
            if not announced:
                announced = True
                events.put(("watching", None))
            paths = {Path(p) for _, p in changes}
            if paths:
                events.put(("saved", paths))
    except Exception as exc:  # no inotify, a vanished folder, ...: keys still work
        events.put(("watch-failed", str(exc)))


def _draw(loop: WatchLoop, term: Terminal, color: bool) -> None:
    width, height = term.size()
    term.out.write(_CLEAR + render_screen(loop, width, height, color))
    term.out.flush()
