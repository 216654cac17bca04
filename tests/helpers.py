"""Helpers the tests share: where the repository and fixture courses are, running the real CLI
in a subprocess, reading a scenario's expectation, stopping the check daemons of a cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
# fixture courses, one folder each under tests/courses/
COURSES = TESTS / "courses"
COURSE = COURSES / "one-problem"  # scale-by alone: the learner commands
GRADE_COURSE = COURSES / "six-problems"  # six small problems: grade, classes, formats
VALID_COURSE = COURSES / "valid"  # one problem that validates; validate and export break copies of it
MUTANT_COURSE = COURSES / "mutants"  # a problem whose cases let a known mutant survive
# learner files the tests grade, by kind, under tests/submissions/
SUBMISSIONS = TESTS / "submissions"
FAULTS = SUBMISSIONS / "faults"  # ordinary broken files of scale-by, status in their first line
HOSTILE = SUBMISSIONS / "hostile"  # attacks on the grader, status in their first line
SCENARIOS = SUBMISSIONS / "scenarios"  # <slug>/<name>.py for the bundled course
FEEDBACK = SUBMISSIONS / "feedback"  # <slug>/<mistake>.py for the feedback goldens
MIXED = SUBMISSIONS / "mixed"  # one submission of six-problems failing in every way
# expected outputs of the golden tests (tests/golden/)
GOLDEN = TESTS / "golden" / "expected"


def stop_daemons(cache: Path) -> None:
    """The check daemons tests started under ``cache`` must not outlive the tests."""
    from grader.engine import daemon

    for folder in (cache / "daemon").glob("*"):
        daemon.stop(folder)


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self):
        return json.loads(self.stdout)


def run_cli(
    *args: str, cwd: Path = REPO, env: dict | None = None, timeout: float = 300, stdin: str | None = None
) -> CliResult:
    """Run ``python -m grader ARGS`` the way a user would, and capture what it printed."""
    full_env = dict(os.environ, COLUMNS="100", NO_COLOR="1")
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin if stdin is not None else "",
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def read_directive(path: Path) -> tuple[str, str | None]:
    """Parse a scenario's first line: ``# expect: STATUS [pitfall=ID]``."""
    first = path.read_text().splitlines()[0]
    assert first.startswith("# expect:"), f"{path} has no '# expect:' first line"
    words = first.split(":", 1)[1].split()
    pitfall = None
    for word in words[1:]:
        key, _, value = word.partition("=")
        assert key == "pitfall", f"{path}: unknown directive {word!r}"
        pitfall = value
    return words[0], pitfall
