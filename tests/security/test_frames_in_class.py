"""`grader grade --many` with learners who tamper with the result channel: their rows say
`error`, the gradebook is written, and the honest learners beside them keep full marks."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import GRADE_COURSE, HOSTILE, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

COURSE = GRADE_COURSE


def test_a_class_with_channel_tamperers_still_gets_its_gradebook(tmp_path):
    learners = {
        "ada": COURSE / "reference" / "scale-by" / "solution.py",
        "bea": HOSTILE / "channel_deep_nesting.py",  # raw bytes that would overflow json's recursion
        "cy": HOSTILE / "channel_wrong_field_types.py",  # the run's secret, fields of the wrong type
        "dan": COURSE / "reference" / "scale-by" / "solution.py",
    }
    for name, source in learners.items():
        (tmp_path / "class" / name).mkdir(parents=True)
        shutil.copyfile(source, tmp_path / "class" / name / "scale-by.py")
    result = run_cli(
        "--root",
        str(COURSE),
        "grade",
        "--many",
        "class",
        "--problems",
        "scale-by",
        "--jobs",
        "2",
        "--output",
        "book",
        "--min-score",
        "0",
        cwd=tmp_path,
    )
    assert result.code == 0, result.stderr + result.stdout
    book = json.loads((tmp_path / "book" / "gradebook.json").read_text())
    rows = {row["learner"]: row for row in book["learners"]}
    assert sorted(rows) == sorted(learners)
    for honest in ("ada", "dan"):
        assert rows[honest]["score"] == rows[honest]["max_score"] > 0
        assert rows[honest]["problems"]["scale-by"]["status"] == "passed"
    for tamperer in ("bea", "cy"):
        assert rows[tamperer]["problems"]["scale-by"]["status"] == "error"
        assert rows[tamperer]["score"] == 0
    assert (tmp_path / "book" / "gradebook.csv").is_file()
