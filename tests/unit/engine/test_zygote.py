"""Workers forked from the zygote (grader.engine.zygote through grader.engine.pool): fresh, closed off from
the zygote, stopped on time, and replaced when the zygote is gone."""

from __future__ import annotations

import os
import re

import pytest

from grader.course.catalogue import load_catalogue
from grader.engine.pool import WorkerPool
from grader.engine.runner import RunOptions
from grader.grading.assess import GradeOptions, grade_problem
from grader.grading.results import ProblemStatus
from helpers import COURSE
from processes import leftovers

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

SHOWS_ITSELF = (
    "import os\n"
    "print('pid', os.getpid(), 'sid', os.getsid(0), 'namespace', os.stat('/proc/self/ns/pid').st_ino,\n"
    "      'started', open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19])\n"
    "def link(fd):\n"
    "    try:\n        return os.readlink(f'/proc/self/fd/{fd}')\n"
    "    except OSError:\n        return 'gone'\n"
    "print('fds', ' '.join(link(f) for f in os.listdir('/proc/self/fd')))\n"
    "print('home', os.environ.get('HOME'), 'cwd', os.getcwd())\n"
    "def scale_by(x, factor):\n    return x * factor\n"
)
LOOPS = "def scale_by(x, factor):\n    while True:\n        pass\n"


@pytest.fixture(scope="module")
def problem():
    return load_catalogue(COURSE).get("scale-by")


@pytest.fixture(scope="module")
def pool():
    with WorkerPool() as pool:
        yield pool


def _field(stdout: str, name: str) -> str:
    return re.search(rf"\b{name} (\S+)", stdout).group(1)


def test_a_forked_worker_has_only_its_own_streams_and_channel(problem, pool, tmp_path):
    solution = tmp_path / "shows.py"
    solution.write_text(SHOWS_ITSELF)
    result = grade_problem(problem, solution, options=GradeOptions(run=RunOptions(workers=pool)))
    assert result.status is ProblemStatus.PASSED
    pid = int(_field(result.stdout, "pid"))
    # a session of its own, killable as a group; in its own PID namespace it is the init (1),
    # and the session it leads outside the namespace shows as 0
    assert (pid, int(_field(result.stdout, "sid"))) in ((1, 0), (pid, pid))
    fds = result.stdout.split("fds ")[1].splitlines()[0].split()
    # stdin, stdout, stderr and the result channel; /dev/null as stdin; the listing itself
    assert sorted(f.split(":")[0] for f in fds) == ["/dev/null", "gone", "pipe", "pipe", "pipe", "pipe"], fds
    home, cwd = _field(result.stdout, "home"), _field(result.stdout, "cwd")
    assert home == cwd and "grader-run-" in cwd  # its own scratch folder, not the zygote's
    assert not os.path.exists(cwd)  # removed after the run


def test_each_run_gets_a_new_process_from_the_same_zygote(problem, pool, tmp_path):
    solution = tmp_path / "shows.py"
    solution.write_text(SHOWS_ITSELF)
    options = GradeOptions(run=RunOptions(workers=pool))
    shown = [grade_problem(problem, solution, options=options).stdout for _ in range(3)]
    # a process is its pid in its PID namespace (its own one, where the kernel allows it)
    assert len({(_field(out, "pid"), _field(out, "namespace"), _field(out, "started")) for out in shown}) == 3


def test_a_forked_worker_that_overruns_is_stopped_and_gone(problem, pool, tmp_path):
    solution = tmp_path / "loops.py"
    solution.write_text("import os\nprint('pid', os.getpid(), 'cwd', os.getcwd())\n" + LOOPS)
    result = grade_problem(
        problem, solution, options=GradeOptions(run=RunOptions(workers=pool), case_seconds=1.0)
    )
    assert result.status is ProblemStatus.TIMEOUT
    # no process of that run is left: none runs with its (removed) scratch folder as HOME
    scratch = _field(result.stdout, "cwd")
    assert not os.path.exists(scratch)
    assert not [p for p in leftovers() if f"HOME={scratch})" in p]


def test_a_dead_zygote_is_replaced(problem, tmp_path):
    solution = tmp_path / "shows.py"
    solution.write_text(SHOWS_ITSELF)
    with WorkerPool() as pool:
        options = GradeOptions(run=RunOptions(workers=pool))
        assert grade_problem(problem, solution, options=options).passed
        (zygote,) = pool._zygotes.values()
        zygote.proc.kill()
        zygote.proc.wait()
        assert grade_problem(problem, solution, options=options).passed
        (again,) = pool._zygotes.values()
        assert again is not zygote and again.alive


def test_cases_spread_over_two_workers_give_the_same_report_as_one(problem, pool, tmp_path):
    solution = tmp_path / "prints.py"
    solution.write_text(
        "import os\nprint('loaded in', os.getpid())\n"
        "def scale_by(x, factor):\n    print('called with shape', x.shape, 'in', os.getpid())\n"
        "    return x * factor if x.ndim == 1 else x\n"
    )
    one = grade_problem(problem, solution, options=GradeOptions(run=RunOptions(workers=pool)))
    two = grade_problem(problem, solution, options=GradeOptions(run=RunOptions(workers=pool, spread=2)))
    assert [(c.id, c.status, c.message) for c in two.cases] == [
        (c.id, c.status, c.message) for c in one.cases
    ]
    assert two.status is one.status is ProblemStatus.FAILED  # the matrix cases fail
    # the import's output once, then the visible calls' output; the hidden cases ran in a
    # process of their own, whose output is never shown (it could hold their inputs)
    assert two.stdout.count("loaded in") == 1

    def calls(result):
        return [line.split(" in ")[0] for line in result.stdout.splitlines() if line.startswith("called")]

    visible = [c for c in problem.cases() if not c.hidden]
    assert calls(two) == calls(one) and len(calls(two)) == len(visible)
    assert all(any("hidden cases ran is not shown" in n.message for n in r.notes) for r in (one, two))
