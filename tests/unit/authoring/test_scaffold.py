"""``grader new``: a complete problem whose placeholders ``grader validate`` rejects."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring.scaffold import ScaffoldError, new_problem
from grader.course.catalogue import load_cases, load_problem
from helpers import VALID_COURSE

GOOD = VALID_COURSE


def grader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    env.pop("GRADER_ROOT", None)
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(GOOD, tmp_path / "course")
    return tmp_path / "course"


def test_new_then_validate_fails_on_every_placeholder(course):
    created = grader("new", "vector-norm", cwd=course)
    assert created.returncode == 0, created.stderr
    for rel in (
        "problems/vector-norm/problem.toml",
        "problems/vector-norm/statement.md",
        "problems/vector-norm/stub.py",
        "problems/vector-norm/cases.toml",
        "reference/vector-norm/solution.py",
        "reference/vector-norm/pitfalls.toml",
        "reference/vector-norm/pitfalls.py",
    ):
        assert (course / rel).is_file(), rel
    result = grader("validate", "vector-norm", cwd=course)
    assert result.returncode == 1
    for rel in (
        "problems/vector-norm/problem.toml",
        "problems/vector-norm/statement.md",
        "problems/vector-norm/stub.py",
        "problems/vector-norm/cases.toml",
        "reference/vector-norm/solution.py",
        "reference/vector-norm/pitfalls.toml",
        "reference/vector-norm/pitfalls.py",
    ):
        assert f"{rel}: line " in result.stdout and "placeholder left by `grader new`" in result.stdout, rel


def test_scaffold_parses_and_takes_the_next_position(course):
    new_problem(course, "vector-norm")
    problem = load_problem(course, "vector-norm")
    assert problem.entry_point == "vector_norm"
    assert problem.position == 2  # the fixture course holds position 1
    assert [c.visibility for c in load_cases(problem)] == ["visible", "hidden"]


@pytest.mark.parametrize("slug", ["Bad_Slug", "trailing-", "two--dashes", "scale"])
def test_new_refuses_a_bad_or_existing_slug(course, slug):
    result = grader("new", slug, cwd=course)
    assert result.returncode == 2
    assert result.stderr.startswith("grader: ")
    with pytest.raises(ScaffoldError):
        new_problem(course, slug)
