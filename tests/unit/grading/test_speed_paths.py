"""The speed paths keep verdicts honest: cached expected outputs are keyed by everything that
could change them, and warm workers are never shared between two runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.course.catalogue import load_catalogue
from grader.engine import cache as engine_cache
from grader.engine.pool import WorkerPool
from grader.engine.runner import RunOptions
from grader.grading import trusted
from grader.grading.assess import GradeOptions, grade_problem
from helpers import COURSE

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")


@pytest.fixture
def course(tmp_path, monkeypatch):
    root = tmp_path / "course"
    shutil.copytree(COURSE, root)
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    return root


def problem(root: Path):
    return load_catalogue(root).get("scale-by")


def test_expected_outputs_recomputed_when_any_key_changes(course, monkeypatch):
    first = trusted.compute_expected(problem(course))
    assert not first.from_cache
    again = trusted.compute_expected(problem(course))
    assert again.from_cache
    assert trusted.cache_key(problem(course), RunOptions()) == trusted.cache_key(
        problem(course), RunOptions()
    )

    keys = {trusted.cache_key(problem(course), RunOptions())}
    ref = course / "reference" / "scale-by" / "solution.py"
    ref.write_text(ref.read_text().replace("return x * factor", "return x * factor * 2"))
    changed = trusted.compute_expected(problem(course))
    assert not changed.from_cache  # a new reference is run, not read from the cache
    assert float(changed.reference["worked-example"].data[0]) == 4.0
    keys.add(trusted.cache_key(problem(course), RunOptions()))

    cases = course / "problems" / "scale-by" / "cases.toml"
    cases.write_text(cases.read_text().replace("factor = 2\n", "factor = 5\n", 1))
    keys.add(trusted.cache_key(problem(course), RunOptions()))
    assert float(trusted.compute_expected(problem(course)).reference["worked-example"].data[0]) == 10.0

    (course / "reference" / "scale-by" / "pitfalls.toml").write_text("format_version = 1\n")
    keys.add(trusted.cache_key(problem(course), RunOptions()))

    real_versions = engine_cache.stack_versions
    monkeypatch.setattr(engine_cache, "stack_versions", lambda: dict(real_versions(), jax="0.0.0-other"))
    keys.add(trusted.cache_key(problem(course), RunOptions()))
    keys.add(trusted.cache_key(problem(course), RunOptions(platform="gpu")))
    assert len(keys) == 6


def test_damaged_cache_entry_is_recomputed(course):
    trusted.compute_expected(problem(course))
    cache = engine_cache.cache_dir()
    for entry in cache.glob("scale-by-*.bin"):
        entry.write_bytes(b"GRDR\x00\x00\x00\x02{}")
    again = trusted.compute_expected(problem(course))
    assert not again.from_cache and float(again.reference["worked-example"].data[0]) == 2.0


# prints which process it is: pid, start time and PID namespace (a worker in a namespace of its
# own is pid 1 there, so the pid alone does not tell two workers apart)
SHOWS_PROCESS = (
    "print('pid', os.getpid(), open('/proc/self/stat').read().rsplit(')', 1)[1].split()[19],"
    " os.stat('/proc/self/ns/pid').st_ino)\n"
)


def test_warm_workers_are_never_shared(course, tmp_path):
    patcher = tmp_path / "patcher.py"
    patcher.write_text(
        "import builtins, os\n"
        + SHOWS_PROCESS
        + "builtins.len = lambda *a: 0  # would break whoever runs next in this process\n"
        "def scale_by(x, factor):\n    return x * 0\n"
    )
    correct = tmp_path / "correct.py"
    correct.write_text(
        "import os\n"
        + SHOWS_PROCESS
        + "def scale_by(x, factor):\n    assert len([1]) == 1\n    return x * factor\n"
    )
    with WorkerPool() as pool:
        options = GradeOptions(run=RunOptions(workers=pool))
        bad = grade_problem(problem(course), patcher, options=options)
        good = grade_problem(problem(course), correct, options=options)
    assert bad.status.value != "passed"
    assert good.status.value == "passed"
    pid_bad = {line for line in bad.stdout.splitlines() if line.startswith("pid")}
    pid_good = {line for line in good.stdout.splitlines() if line.startswith("pid")}
    assert pid_bad and pid_good and not (pid_bad & pid_good)
