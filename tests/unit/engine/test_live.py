"""The worker kept between one learner's checks in ``watch`` (grader.engine.live), and the quick
verdicts it gives: fast, never recorded, always confirmed by a fresh process."""

from __future__ import annotations

import queue
import threading

import pytest

from grader.course.catalogue import load_catalogue
from grader.course.workspace import Workspace
from grader.engine import sandbox
from grader.engine.live import LiveWorker
from grader.engine.runner import RunOptions, spawn_worker
from grader.grading.assess import GradeOptions, grade_problem
from grader.grading.results import ProblemStatus
from grader.interactive.watch import QuickCheck, _start, grader_for
from grader.interactive.watch_loop import WatchLoop
from helpers import COURSE

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

RIGHT = "def scale_by(x, factor):\n    print('checking', x.shape)\n    return x * factor\n"
WRONG = "def scale_by(x, factor):\n    return x + factor\n"
# the first save leaves the right function behind in the process; the second relies on it
LEAVES_STATE = (
    "import builtins\n\n\ndef scale_by(x, factor):\n    return x * factor\n\n\n"
    "builtins.remembered = scale_by\n"
)
USES_STATE = (
    "import builtins\n\n\ndef scale_by(x, factor):\n"
    "    if hasattr(builtins, 'remembered'):\n        return builtins.remembered(x, factor)\n"
    "    return x + factor\n"
)


@pytest.fixture(scope="module")
def problem():
    return load_catalogue(COURSE).get("scale-by")


def _pid(live: LiveWorker) -> int:
    return live._spawned.proc.pid


def test_a_serving_worker_checks_each_new_version_of_the_file_in_the_same_process(problem, tmp_path):
    solution = tmp_path / "scale-by.py"
    with LiveWorker() as live:
        options = GradeOptions(run=RunOptions(workers=live))
        solution.write_text(RIGHT)
        first = grade_problem(problem, solution, options=options)
        pid = _pid(live)
        assert first.status is ProblemStatus.PASSED
        assert "checking (3,)" in first.stdout  # what the calls printed, though the process lives on
        solution.write_text(WRONG)
        second = grade_problem(problem, solution, options=options)
        assert second.status is ProblemStatus.FAILED  # the new version was loaded, not the old one
        assert _pid(live) == pid
        assert "checking" not in second.stdout  # one run's output is not the next one's
        solution.write_text(RIGHT)
        assert grade_problem(problem, solution, options=options).status is ProblemStatus.PASSED
        assert _pid(live) == pid


def test_a_worker_that_crashed_or_serves_other_files_is_replaced(problem, tmp_path):
    crash = tmp_path / "crash.py"
    crash.write_text("import os\n\n\ndef scale_by(x, factor):\n    os._exit(3)\n")
    right = tmp_path / "right.py"
    right.write_text(RIGHT)
    with LiveWorker() as live:
        options = GradeOptions(run=RunOptions(workers=live))
        assert grade_problem(problem, right, options=options).status is ProblemStatus.PASSED
        first = _pid(live)
        result = grade_problem(problem, crash, options=options)
        assert result.status is ProblemStatus.ERROR
        assert all(c.status.value == "error" and "exit code 3" in c.message for c in result.cases)
        # confined to right.py only: crash.py needed another process
        assert live._spawned is None or _pid(live) != first
        assert grade_problem(problem, right, options=options).status is ProblemStatus.PASSED
        assert _pid(live) != first


def test_a_worker_is_retired_after_its_allowance_of_runs(problem, tmp_path):
    solution = tmp_path / "scale-by.py"
    solution.write_text(RIGHT)
    with LiveWorker(max_runs=2) as live:
        # no cache: every grading also runs the reference, which must not use up the learner's worker
        options = GradeOptions(run=RunOptions(workers=live), use_cache=False)
        pids = []
        for _ in range(3):
            assert grade_problem(problem, solution, options=options).passed
            pids.append(_pid(live))
        assert pids[0] == pids[1] != pids[2]


def test_state_left_by_an_earlier_save_never_reaches_the_record(problem, tmp_path):
    ws = Workspace(tmp_path / "ws")
    loop = WatchLoop.open([problem], ws)
    with LiveWorker() as live:
        quick = QuickCheck(GradeOptions(), live)
        events: queue.Queue = queue.Queue()
        for confirmed_before, text in enumerate((LEAVES_STATE, USES_STATE)):
            loop.path.write_text(text)
            request = loop.on_key("c")
            _start(request, events, grader_for(GradeOptions()), quick)
            seen = dict(events.get(timeout=120) for _ in range(2))  # both verdicts, in either order
            loop.on_quick(*seen["quick"])
            # shown, not recorded: only confirmed verdicts count as attempts
            assert loop.quick and loop.result is seen["quick"][1]
            assert ws.problem_state(problem.slug).get("attempts", 0) == confirmed_before
            loop.on_graded(*seen["graded"])
        # the kept process still had the first save's function: its quick verdict was a pass
        assert seen["quick"][1].status is ProblemStatus.PASSED
        # the fresh process did not: the verdict shown and recorded is the failure
        assert loop.result.status is ProblemStatus.FAILED and not loop.quick
        assert ws.problem_state(problem.slug)["status"] == "failed"
        assert "quick verdict differed" in loop.message
        assert live._spawned is None  # the process that held the leftover was let go


def test_a_worker_started_by_one_thread_is_never_taken_for_a_stray_by_another():
    if not sandbox.become_subreaper():
        pytest.skip("no child subreaper on this system")
    stop = threading.Event()

    def reap():
        while not stop.is_set():
            sandbox.reap_orphans()

    reaper = threading.Thread(target=reap)
    reaper.start()
    started = []
    try:
        for _ in range(15):
            started.append(spawn_worker(RunOptions()))
    finally:
        stop.set()
        reaper.join()
    try:
        assert all(s.proc.poll() is None for s in started), "a registered worker was killed"
    finally:
        for s in started:
            s.discard()
