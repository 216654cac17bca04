"""A class with hostile learners of every kind: the honest learners' gradebook rows are exactly
what they get when graded alone, with one learner at a time and with two, and nothing any
learner started is left running."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import GRADE_COURSE, HOSTILE, run_cli
from processes import MARKER, leftovers

pytestmark = pytest.mark.slow

COURSE = GRADE_COURSE
PROBLEMS = "scale-by,negate"
# one or more of each kind: other processes' limits and priorities, leaving the process tree,
# the compilation cache, the scratch folder, the network, the grader's signals, time, the
# result channel, and what reaches the grader's outputs
KINDS = [
    "lowers_others_limits",
    "renices_others",
    "escapes_with_clone_parent",
    "leaves_through_new_namespace",
    "escaping_double_fork",
    "swaps_compilation_cache",
    "fills_the_scratch_folder",
    "sends_udp",
    "tcp_connection",
    "kills_the_grader",
    "sleeps_in_c",
    "spins_in_threads",
    "closes_channel",
    "poisons_expected_cache",
    "stdout_flood",
]
FRAME_KINDS = sorted(p.stem for p in HOSTILE.glob("channel_*.py"))


def _honest(root: Path) -> None:
    alice = root / "alice"
    alice.mkdir(parents=True)
    for slug in PROBLEMS.split(","):
        shutil.copyfile(COURSE / "reference" / slug / "solution.py", alice / f"{slug}.py")
    bob = root / "bob"
    bob.mkdir()
    shutil.copyfile(COURSE / "reference" / "scale-by" / "solution.py", bob / "scale-by.py")
    (bob / "negate.py").write_text("def negate(x):\n    return x * 1.0  # forgot the sign\n")


def _hostile(root: Path, cache: Path) -> None:
    for name in KINDS + FRAME_KINDS:
        text = (HOSTILE / f"{name}.py").read_text()
        text = (
            text.replace("{{MARKER}}", MARKER)
            .replace("{{CACHE_DIR}}", str(cache))
            .replace("{{PORT}}", "9")
            .replace("{{UDP_PORT}}", "9")
            .replace("{{REPO}}", "/nonexistent")
            .replace("{{COURSE}}", str(COURSE))
            .replace("{{DAEMON_FOLDER}}", "/nonexistent")
        )
        folder = root / f"h-{name}"
        folder.mkdir(parents=True)
        (folder / "scale-by.py").write_text(text)
        (folder / "negate.py").write_text(
            text.replace("def scale_by(x, factor):", "def negate(x):\n    factor = 1.0")
        )
    # submissions that are not regular files, or are too large to read
    linked = root / "h-linked-reference"
    linked.mkdir()
    (linked / "scale-by.py").symlink_to(COURSE / "reference" / "scale-by" / "solution.py")
    os.symlink(COURSE / "reference" / "negate", linked / "negate.py")
    (root / "h-huge").mkdir()
    (root / "h-huge" / "scale-by.py").write_text(
        "def scale_by(x, factor):\n    return x * factor\n" + "#" * (3 << 20)
    )
    (root / "=HYPERLINK(1)").mkdir()
    (root / "=HYPERLINK(1)" / "scale-by.py").write_text("def scale_by(x, factor):\n    return x\n")
    # a folder name that is not UTF-8, and messages and warnings carrying the (hidden) inputs
    odd = os.fsencode(root) + b"/h-\xff\xfe"
    os.mkdir(odd)
    with open(odd + b"/scale-by.py", "w") as fh:
        fh.write("def scale_by(x, factor):\n    return x * factor\n")
    (root / "h-leaks-inputs").mkdir()
    (root / "h-leaks-inputs" / "scale-by.py").write_text(
        "import warnings\n\ndef scale_by(x, factor):\n    warnings.warn(f'{x} {factor}')\n"
        "    print(x, factor)\n    raise ValueError(f'{x.tolist()} {factor}')\n"
    )


def _rows(book: Path, names: list[str]) -> dict:
    rows = {row["learner"]: row for row in json.loads((book / "gradebook.json").read_text())["learners"]}
    return {name: rows[name] for name in names}


def _grade(root: Path, out: Path, jobs: int):
    result = run_cli(
        "--root",
        str(COURSE),
        "grade",
        "--many",
        str(root),
        "--problems",
        PROBLEMS,
        "--jobs",
        str(jobs),
        "--min-score",
        "0",
        "--output",
        str(out),
        cwd=root.parent,
        timeout=1200,
    )
    assert result.code == 0, result.stdout + result.stderr
    assert leftovers() == []
    return result


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    rows = {}
    for name in ("alice", "bob"):
        base = tmp_path_factory.mktemp(f"alone-{name}")
        _honest(base / "all")
        (base / "class").mkdir()
        shutil.move(base / "all" / name, base / "class" / name)
        _grade(base / "class", base / "book", jobs=1)
        rows.update(_rows(base / "book", [name]))
    return rows


@pytest.mark.parametrize("jobs", [1, 2])
def test_honest_rows_do_not_depend_on_the_class(alone, tmp_path, jobs):
    root = tmp_path / "class"
    _honest(root)
    _hostile(root, Path(os.environ["GRADER_CACHE_DIR"]))
    _grade(root, tmp_path / "book", jobs)
    assert alone["alice"]["score"] == alone["alice"]["max_score"] > 0
    assert alone["bob"]["score"] < alone["bob"]["max_score"]
    assert _rows(tmp_path / "book", ["alice", "bob"]) == alone
    book = json.loads((tmp_path / "book" / "gradebook.json").read_text())
    graded = {row["learner"]: row for row in book["learners"]}
    # every hostile learner has a row, and none of them passed everything
    for name in KINDS + FRAME_KINDS + ["linked-reference", "huge", "leaks-inputs"]:
        row = graded[f"h-{name}"]
        assert row["score"] < row["max_score"], name


@pytest.mark.parametrize(
    "kind", ["escapes_with_clone_parent", "lowers_others_limits", "channel_garbage_bytes"]
)
def test_one_hostile_learner_graded_alone(tmp_path, kind):
    """``grader grade DIR``: no pass, a report, and nothing left running."""
    _hostile(tmp_path / "class", Path(os.environ["GRADER_CACHE_DIR"]))
    result = run_cli(
        "--root",
        str(COURSE),
        "grade",
        str(tmp_path / "class" / f"h-{kind}"),
        "--problems",
        PROBLEMS,
        "--format",
        "json",
        cwd=tmp_path,
        timeout=600,
    )
    assert result.code == 1, result.stderr
    report = result.json()
    assert report["score"] < report["max_score"]
    assert leftovers() == []
