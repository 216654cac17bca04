"""`grader grade --many`: a class at once, in parallel, in shards merged back, and the gradebook."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from grader.grading.gradebook import GradebookError, merge_gradebooks
from helpers import GRADE_COURSE, MIXED, REPO, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

# the five problems the course started from (the class of 40 is about throughput, not coverage)
SEED = sorted(
    [
        "nnx-surgery-zero-layer",
        "flax-surgery-zero",
        "nnx-surgery-replace",
        "nnx-state-transform",
        "nnx-surgery-add-layer",
    ]
)
COURSE = GRADE_COURSE


def test_a_class_of_40_learners_on_the_seed_problems(tmp_path):
    """Every learner hands in the reference solutions; each file still runs in its own processes."""
    root = tmp_path / "class"
    for i in range(1, 41):
        folder = root / f"learner-{i:02d}"
        folder.mkdir(parents=True)
        for slug in SEED:
            shutil.copyfile(REPO / "reference" / slug / "solution.py", folder / f"{slug}.py")
    result = run_cli(
        "grade",
        "--many",
        str(root),
        "--problems",
        ",".join(SEED),
        "--jobs",
        "2",
        "--output",
        str(tmp_path / "book"),
        cwd=tmp_path,
        timeout=900,
    )
    assert result.code == 0, result.stderr + result.stdout
    book = json.loads((tmp_path / "book" / "gradebook.json").read_text())
    assert [p["slug"] for p in book["problems"]] != [] and sorted(p["slug"] for p in book["problems"]) == SEED
    assert [row["learner"] for row in book["learners"]] == [f"learner-{i:02d}" for i in range(1, 41)]
    for row in book["learners"]:
        assert row["score"] == row["max_score"] > 0
        assert {entry["status"] for entry in row["problems"].values()} == {"passed"}
    with (tmp_path / "book" / "gradebook.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["learner", *[p["slug"] for p in book["problems"]], "score", "max_score"]
    assert len(rows) == 41
    assert "40 of 40 learners meet the threshold" in result.stdout


def _mixed_class(root, size=12):
    """Learners with different results: some pass, some fail, some hand in nothing."""
    variants = ["scale-by.py", "add-one.py", "halve.py", None]
    for i in range(1, size + 1):
        folder = root / f"s{i:02d}"
        folder.mkdir(parents=True)
        name = variants[i % len(variants)]
        if name:
            shutil.copyfile(MIXED / name, folder / name)
            if name == "add-one.py" and i % 3 == 0:  # a right answer for some of them
                (folder / name).write_text("def add_one(x):\n    return x + 1.0\n")


def test_shards_merged_give_the_same_gradebook_as_one_run(tmp_path):
    root = tmp_path / "class"
    _mixed_class(root)
    common = ("--root", str(COURSE), "grade", "--many", "class", "--problems", "scale-by,add-one,halve")
    whole = run_cli(*common, "--jobs", "2", "--output", "whole", "--min-score", "0", cwd=tmp_path)
    assert whole.code == 0, whole.stderr
    for k in (1, 2, 3):
        # the first shard without --min-score 0: a class exits 1 when any learner falls short,
        # and its gradebook is written all the same
        threshold = ("--min-score", "0") if k > 1 else ()
        shard = run_cli(*common, "--shard", f"{k}/3", "--output", f"shard-{k}", *threshold, cwd=tmp_path)
        assert shard.code == (0 if k > 1 else 1), shard.stderr
        assert json.loads((tmp_path / f"shard-{k}" / "gradebook.json").read_text())["shard"] == [k, 3]
    merged = run_cli(
        "--root",
        str(COURSE),
        "merge",
        "shard-1",
        "shard-2/gradebook.json",
        "shard-3",
        "--output",
        "merged",
        cwd=tmp_path,
    )
    assert merged.code == 0, merged.stderr
    for name in ("gradebook.json", "gradebook.csv"):
        assert (tmp_path / "merged" / name).read_text() == (tmp_path / "whole" / name).read_text()
    book = json.loads((tmp_path / "whole" / "gradebook.json").read_text())
    statuses = {row["learner"]: row["problems"]["add-one"]["status"] for row in book["learners"]}
    assert statuses["s01"] == "failed" and statuses["s09"] == "passed" and statuses["s03"] == "not_submitted"
    assert len(book["learners"]) == 12
    assert book["learners"][0]["problems"]["scale-by"]["status"] == "not_submitted"


def test_merge_refuses_an_incomplete_or_overlapping_set():
    problems = [{"slug": "scale-by", "weight": 1.0, "max_score": 3.0}]

    def book(shard, learners, name):
        return {
            "format_version": 1,
            "shard": shard,
            "problems": problems,
            "_file": name,
            "learners": [{"learner": n, "score": 0.0, "max_score": 3.0, "problems": {}} for n in learners],
        }

    with pytest.raises(GradebookError, match="missing shard"):
        merge_gradebooks([book([1, 3], ["a"], "one"), book([3, 3], ["c"], "three")])
    with pytest.raises(GradebookError, match="given twice"):
        merge_gradebooks([book([1, 2], ["a"], "one"), book([1, 2], ["b"], "again")])
    with pytest.raises(GradebookError, match="learner 'a' is in both"):
        merge_gradebooks([book(None, ["a"], "x"), book(None, ["a"], "y")])
    other = book([2, 2], ["b"], "two")
    other["problems"] = [{"slug": "halve", "weight": 1.0, "max_score": 3.0}]
    with pytest.raises(GradebookError, match="other problems"):
        merge_gradebooks([book([1, 2], ["a"], "one"), other])
    merged = merge_gradebooks([book([2, 2], ["b"], "two"), book([1, 2], ["a"], "one")])
    assert [r["learner"] for r in merged["learners"]] == ["a", "b"] and merged["shard"] is None
