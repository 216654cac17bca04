"""Progress kept in the workspace: survives kill -9 mid-write; `progress` and `solution` commands."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import textwrap

import pytest

from grader.course.catalogue import load_catalogue
from grader.course.progress import SolutionLocked, load_progress, reference_source
from grader.course.workspace import STATE_FILE, Workspace
from helpers import COURSE, REPO, run_cli

# Writes the state over and over; a large entry keeps it busy writing most of the time.
WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    from grader.course.workspace import Workspace
    ws = Workspace.locate(None, __import__("pathlib").Path(sys.argv[1]))
    ws.update_problem("padding", text="x" * 400_000)
    print("ready", flush=True)
    while True:
        ws.record_check("scale-by", "failed")
""")


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_progress_survives_a_writer_killed_mid_write(tmp_path):
    folder = tmp_path / "ws"
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(repo=str(REPO)))
    rng = random.Random(5)
    attempts = 0
    for _ in range(12):
        child = subprocess.Popen(
            [sys.executable, str(script), str(folder)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline().strip() == "ready"
        try:
            child.wait(timeout=rng.uniform(0.01, 0.15))
        except subprocess.TimeoutExpired:
            pass
        child.kill()  # SIGKILL: no cleanup runs
        child.wait()
        child.stdout.close()
        state = json.loads((folder / STATE_FILE).read_text())  # always a whole, parseable file
        now = state["problems"].get("scale-by", {}).get("attempts", 0)
        assert now >= attempts, "a write was lost or rolled back"
        attempts = now
        assert len(state["problems"]["padding"]["text"]) == 400_000
    assert attempts > 0
    assert Workspace(folder).problem_state("scale-by")["status"] == "failed"


def test_progress_counts_solved_attempts_and_hints(course, tmp_path):
    problems = load_catalogue(course).problems
    ws = Workspace(tmp_path / "ws")
    assert load_progress(problems, ws).first_unsolved().slug == "scale-by"
    ws.record_check("scale-by", "failed")
    ws.record_check("scale-by", "passed")
    ws.record_check("scale-by", "failed")  # solved once stays solved
    ws.next_hint(problems[0])
    progress = load_progress(problems, ws)
    item = progress.get("scale-by")
    assert (item.attempts, item.hints_shown, item.solved) == (3, 1, True)
    assert item.first_solved
    assert (progress.solved, progress.total, progress.first_unsolved()) == (1, 1, None)


def test_progress_command_prints_a_summary(course, tmp_path):
    ws = tmp_path / "ws"
    Workspace(ws).record_check("scale-by", "failed")
    Workspace(ws).record_check("scale-by", "passed")
    result = run_cli("--root", str(course), "--workspace", str(ws), "progress")
    assert result.code == 0, result.stderr
    assert "scale-by" in result.stdout and "✓ solved" in result.stdout
    assert "1/1 solved, 2 checks in all." in result.stdout
    assert "Every problem is solved" in result.stdout


def test_solution_is_shown_only_after_passing_or_when_forced(course, tmp_path):
    ws = tmp_path / "ws"
    base = ("--root", str(course), "--workspace", str(ws))
    locked = run_cli(*base, "solution", "scale-by")
    assert locked.code == 1 and "pass scale-by first" in locked.stderr and "return" not in locked.stdout
    unconfirmed = run_cli(*base, "solution", "scale-by", "--force")  # stdin is not a terminal
    assert unconfirmed.code == 2 and "without confirmation" in unconfirmed.stderr
    forced = run_cli(*base, "solution", "scale-by", "--force", "--yes")
    assert forced.code == 0 and "return x * factor" in forced.stdout
    assert Workspace(ws).problem_state("scale-by")["solution_seen"] is True

    other = tmp_path / "ws2"
    Workspace(other).record_check("scale-by", "passed")
    earned = run_cli("--root", str(course), "--workspace", str(other), "solution", "scale-by")
    assert earned.code == 0 and "return x * factor" in earned.stdout


def test_reference_source_needs_a_pass(course, tmp_path):
    problem = load_catalogue(course).get("scale-by")
    ws = Workspace(tmp_path / "ws")
    with pytest.raises(SolutionLocked):
        reference_source(problem, ws)
    ws.record_check("scale-by", "passed")
    assert "x * factor" in reference_source(problem, ws)


LONG_REFERENCE = textwrap.dedent("""\
    import jax.numpy as jnp


    def scale_by(x, factor):
        scaled_by_the_factor_that_was_given = jnp.asarray(x) * jnp.asarray(factor, dtype=jnp.float32)  # a long line
        return scaled_by_the_factor_that_was_given
""")


def test_solution_prints_each_line_whole_at_a_narrow_width(course, tmp_path):
    """A line pasted from `grader solution` must be the line of the file: no wrapping at 40 columns."""
    (course / "reference" / "scale-by" / "solution.py").write_text(LONG_REFERENCE)
    ws = tmp_path / "ws"
    Workspace(ws).record_check("scale-by", "passed")
    shown = run_cli(
        "--root", str(course), "--workspace", str(ws), "solution", "scale-by", env={"COLUMNS": "40"}
    )
    assert shown.code == 0, shown.stderr
    head, _, code = shown.stdout.partition("\n")
    assert head == "Reference solution of scale-by:"
    assert code == LONG_REFERENCE
    compile(code, "solution.py", "exec")


def test_solution_at_a_terminal_is_highlighted_but_not_wrapped():
    import re
    from io import StringIO

    from rich.console import Console

    from grader.reporters.progress import render_solution

    console = Console(file=StringIO(), width=40, force_terminal=True, color_system="standard")
    render_solution("scale-by", LONG_REFERENCE, console)
    printed = console.file.getvalue()
    assert "\x1b[" in printed  # highlighted
    plain = re.sub(r"\x1b\[[0-9;]*m", "", printed)
    lines = plain.splitlines()[1:]
    assert [line.rstrip() for line in lines] == LONG_REFERENCE.splitlines()
