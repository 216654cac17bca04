"""Output that learner text or names cannot break: characters an output cannot encode are written
as escapes (a terminal in ASCII, a lone surrogate), control characters never reach a terminal,
GitHub annotations stay one line each, and the gradebook neither runs formulas in a spreadsheet
nor stumbles on folder names that are not UTF-8."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from junitparser import JUnitXml
from rich.console import Console

from grader.grading.batch import learner_label
from grader.grading.diagnosis import diagnose
from grader.grading.feedback import clean_text
from grader.grading.gradebook import gradebook_csv
from grader.grading.results import CaseResult, CaseStatus, ProblemResult, ProblemStatus
from grader.grading.submission import ProblemGrade, SubmissionResult, Threshold
from grader.reporters.grade_text import render_class, render_submission
from helpers import COURSE, GRADE_COURSE, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

NASTY = "bad \\udcff byte ✓ é \\x1b[2J\\x1b[32m PASSED\\r%0A::error file=forged.py::forged\\nsecond line"
RAISES = f'def scale_by(x, factor):\n    raise ValueError("{NASTY}")\n'
FORMULAS = ['=HYPERLINK("evil.example","click")', "+1", "-2", "@SUM(A1)"]


def shown(markdown: str) -> str:
    """The text a Markdown summary shows: its backslash escapes taken out."""
    return re.sub(r"\\(.)", r"\1", markdown)


def run_encoded(encoding: str, *args: str, cwd) -> tuple[int, str, str]:
    """``run_cli`` for an output encoding that is not UTF-8: the bytes decoded as they were written."""
    env = dict(os.environ, COLUMNS="100", NO_COLOR="1", PYTHONIOENCODING=encoding)
    proc = subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, input=b"", timeout=300
    )
    return proc.returncode, proc.stdout.decode(encoding), proc.stderr.decode(encoding)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_check_text_and_json_survive_an_output_that_cannot_encode_the_message(tmp_path, encoding):
    (tmp_path / "scale-by.py").write_text(RAISES, encoding="utf-8")
    args = ("--root", str(COURSE), "check", "scale-by", "--file", "scale-by.py")
    code, out, err = run_encoded(encoding, *args, cwd=tmp_path)
    assert code == 1 and "Traceback (most recent call last)" not in err, err
    assert "ValueError: bad \\udcff byte" in out  # the surrogate as an escape
    assert "\x1b" not in out and "\\x1b[2J" in out  # no terminal control from a learner
    assert "\\u2713" in out and ("\\xe9" if encoding == "ascii" else "é") in out
    code, out, err = run_encoded(encoding, *args, "--format", "json", cwd=tmp_path)
    assert code == 1 and json.loads(out)["cases"][0]["message"].startswith("ValueError: bad \\udcff byte ✓ é")


@pytest.fixture(scope="module")
def in_actions(tmp_path_factory):
    """`grade` as a GitHub Actions step whose output is ASCII, on a message that cannot be."""
    work = tmp_path_factory.mktemp("actions")
    (work / "submission").mkdir()
    (work / "submission" / "scale-by.py").write_text(RAISES, encoding="utf-8")
    summary = work / "summary.md"
    result = run_cli(
        "--root",
        str(GRADE_COURSE),
        "grade",
        "submission",
        "--problems",
        "scale-by",
        "--format",
        "junit",
        "--output",
        "report.xml",
        cwd=work,
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "PYTHONIOENCODING": "ascii"},
    )
    return work, result, summary


def test_github_annotations_and_summary_are_written_whatever_the_encoding(in_actions):
    work, result, summary = in_actions
    assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations and annotations[0].startswith("::error file=submission/scale-by.py,line=2,")
    assert "\\udcff" in annotations[0]
    # a carriage return, an encoded newline and "::error" stay inside the one annotation
    assert "\\x0d%250A::error file=forged.py" in annotations[0]
    assert not any(line.startswith("::error file=forged.py") for line in result.stdout.splitlines())
    text = shown(summary.read_text(encoding="utf-8"))
    assert "ValueError: bad \\udcff byte ✓ é" in text and "\x1b" not in text
    suites = JUnitXml.fromfile(str(work / "report.xml"))
    assert [s.name for s in suites] == ["scale-by"]


@pytest.fixture(scope="module")
def gradebook(tmp_path_factory):
    """A class whose folder names are formulas, control characters and bytes that are not UTF-8."""
    work = tmp_path_factory.mktemp("names")
    root = work / "class"
    root.mkdir()
    for name in FORMULAS + ["red\x1b[31m", "back\\slash", "[red]markup"]:
        (root / name).mkdir()
    odd = os.path.join(os.fsencode(root), b"caf\xe9")  # latin-1, not UTF-8
    os.mkdir(odd)
    with open(os.path.join(odd, b"scale-by.py"), "w") as fh:
        fh.write("def scale_by(x, factor):\n    return x * factor\n")
    summary = work / "summary.md"
    result = run_cli(
        "--root",
        str(GRADE_COURSE),
        "grade",
        "--many",
        "class",
        "--problems",
        "scale-by",
        "--output",
        "book",
        "--min-score",
        "0",
        cwd=work,
        env={"PYTHONIOENCODING": "ascii", "GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert result.code == 0, result.stderr + result.stdout
    book = json.loads((work / "book" / "gradebook.json").read_text(encoding="utf-8"))
    with (work / "book" / "gradebook.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return book, rows, result, summary.read_text(encoding="utf-8")


def test_a_folder_name_that_is_not_utf8_is_escaped_the_same_everywhere(gradebook):
    book, rows, result, summary = gradebook
    names = [row["learner"] for row in book["learners"]]
    assert "caf\\xe9" in names
    row = next(r for r in book["learners"] if r["learner"] == "caf\\xe9")
    assert row["problems"]["scale-by"]["status"] == "passed"  # graded like anyone else
    assert "caf\\xe9" in [r[0] for r in rows]
    assert "caf\\xe9" in shown(summary) and "caf\\xe9" in result.stdout
    assert "back\\\\slash" in names  # a real backslash is doubled: two folders never share a label
    assert "red\\u001b[31m" in names and "\x1b" not in result.stdout + summary
    assert "[red]markup" in result.stdout  # shown as it is, not read as rich markup


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(gradebook):
    book, rows, _, _ = gradebook
    first = {r[0] for r in rows[1:]}
    for formula in FORMULAS:
        assert "'" + formula in first and formula not in first
        assert formula in [r["learner"] for r in book["learners"]]  # the JSON keeps the name as it is
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


# ---------------------------------------------------------------- the helpers, on any input

_NAMES = st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b)


@settings(max_examples=500, deadline=None)
@given(st.lists(_NAMES, min_size=2, max_size=2, unique=True))
def test_learner_labels_are_printable_encodable_and_never_shared(pair):
    labels = [learner_label(os.fsdecode(name)) for name in pair]
    assert labels[0] != labels[1]
    for label in labels:
        label.encode("utf-8")  # strict: no surrogate left
        assert label.isprintable()


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=20))
def test_no_learner_name_starts_a_csv_cell_as_a_formula(name):
    book = {
        "problems": [{"slug": "p"}],
        "learners": [
            {
                "learner": learner_label(name),
                "score": 1.0,
                "max_score": 2.0,
                "problems": {"p": {"score": 1.0}},
            }
        ],
    }
    [_, row] = list(csv.reader(io.StringIO(gradebook_csv(book))))
    assert not row[0].startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
    assert row[0] == learner_label(name) or row[0] == "'" + learner_label(name)


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_clean_text_leaves_nothing_a_terminal_or_an_encoder_chokes_on(text):
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", cleaned)
    if not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]", text):
        assert cleaned == text


def test_names_and_messages_are_never_read_as_rich_markup():
    case = CaseResult("c", "visible", CaseStatus.ERROR, "[/] [bold]not markup[/bold]")
    result = ProblemResult("p", "P", ProblemStatus.ERROR, [case])
    result.diagnoses = diagnose(result.cases)  # as grading does: the report tells diagnoses
    submission = SubmissionResult("[/]", [ProblemGrade(result, 1.0, "[/]/p.py")])
    buf = io.StringIO()
    console = Console(file=buf, width=100, color_system=None)
    render_submission(submission, Threshold(), console)
    book = {
        "problems": [{"slug": "p"}],
        "learners": [{"learner": "[/]", "score": 0.0, "max_score": 1.0, "problems": {"p": {"score": 0.0}}}],
    }
    render_class(book, {"[/]": False}, Threshold(), console)
    assert "Grading [/]" in buf.getvalue() and "[bold]not markup[/bold]" in buf.getvalue()
