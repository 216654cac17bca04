"""A requirement's events are recorded in the learner's own process, so learner code can reach the
record. Whatever it writes there (strings, lists, floats, negative counts, booleans, other keys),
the grader neither crashes nor lets a garbled record meet a requirement, and the other learners
of a class keep their verdicts."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grader.engine.worlds import well_formed
from grader.grading.requirements import Alternative, Requirement
from helpers import REPO, run_cli

SPLITS = Requirement(
    "splits", "use nnx.split", 1.0, (Alternative(("nnx.split",), ()), Alternative(("nnx.state",), ()))
)
NEVER_RAW = Requirement("clean", "keep parameters", 1.0, (Alternative((), ("nnx.Linear:raw-parameter",)),))
GARBLED = ["x", [1], 1.5, -1, True, None, {"n": 1}, np.int64(1), float("nan"), 2**70 * -1]


@pytest.mark.parametrize("value", GARBLED, ids=repr)
def test_a_garbled_count_meets_no_requirement(value):
    record = {"nnx.split": value, "nnx.state": value}
    assert not well_formed(record)
    assert not SPLITS.holds(record) and not NEVER_RAW.holds(record)


@pytest.mark.parametrize("record", [None, [], "nnx.split", {1: 1}, {("nnx.split",): 1}], ids=repr)
def test_a_record_that_is_not_a_table_of_counts_meets_no_requirement(record):
    assert not well_formed(record)
    assert not SPLITS.holds(record) and not NEVER_RAW.holds(record)


def test_a_recorders_own_record_is_judged_as_before():
    assert SPLITS.holds({"nnx.split": 2}) and SPLITS.holds({"nnx.state": 1, "nnx.Linear": 3})
    assert not SPLITS.holds({}) and not SPLITS.holds({"nnx.split": 0})
    assert NEVER_RAW.holds({}) and not NEVER_RAW.holds({"nnx.Linear:raw-parameter": 1})


# the right numbers without nnx.split, and a line that writes into the recorder of the process
FORGER = """from flax import nnx
from grader.engine import worlds


class Net(nnx.Module):
    def __init__(self, in_features, features, *, rngs):
        self.linear = nnx.Linear(in_features, features, rngs=rngs)
        self.norm = nnx.BatchNorm(features, rngs=rngs)

    def __call__(self, x):
        return self.norm(self.linear(x))


def split_by_type(seed, x, features):
    f = int(features)
    model = Net(x.shape[-1], f, rngs=nnx.Rngs(int(seed)))
    model(x)
    worlds.process_recorder().counts = {FORGED}
    return x.shape[-1] * f + f + 2 * f, 2 * f, model.norm.mean[...]
"""
FORGED = {
    "string": '{"nnx.split": "x"}',
    "list": '{"nnx.split": [1]}',
    "float": '{"nnx.split": 1.5}',
    "negative": '{"nnx.split": -1}',
    "bool": '{"nnx.split": True}',
    "none": '{"nnx.split": None}',
    "nested": '{"nnx.split": {"n": 1}}',
    "array": '{"nnx.split": __import__("numpy").ones(3)}',
    "not-a-table": '"nnx.split"',
}


@pytest.mark.slow
def test_a_class_of_record_forgers_gets_its_gradebook_and_the_honest_learner_passes(tmp_path):
    root = tmp_path / "class"
    for name, forged in FORGED.items():
        (root / f"forger-{name}").mkdir(parents=True)
        (root / f"forger-{name}" / "nnx-state-filter.py").write_text(FORGER.replace("{FORGED}", forged))
    (root / "zed").mkdir()
    (root / "zed" / "nnx-state-filter.py").write_text(
        (REPO / "reference" / "nnx-state-filter" / "solution.py").read_text()
    )
    book = tmp_path / "book"
    result = run_cli(
        "grade", "--many", str(root), "--problems", "nnx-state-filter", "--output", str(book), cwd=tmp_path
    )
    assert result.code == 1, result.stdout + result.stderr  # threshold not met: no crash (2) or traceback
    assert "Traceback" not in result.stderr
    rows = {row["learner"]: row for row in json.loads((book / "gradebook.json").read_text())["learners"]}
    assert sorted(rows) == sorted([f"forger-{n}" for n in FORGED] + ["zed"])
    assert rows["zed"]["problems"]["nnx-state-filter"]["status"] == "passed"
    for name in FORGED:
        entry = rows[f"forger-{name}"]["problems"]["nnx-state-filter"]
        assert entry["status"] != "passed", name
        assert rows[f"forger-{name}"]["score"] < rows["zed"]["score"], name
