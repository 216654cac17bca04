"""`grader grade` on a mixed submission, in every format, compared with golden files.

The submission in tests/submissions/mixed/ passes one problem and fails the others in every
way there is: wrong output, an exception, a timeout, the untouched stub, and a missing file.
It is graded once through the package and once through the real CLI (under a simulated GitHub
Actions run). Regenerate the golden files with ``GRADER_UPDATE_GOLDEN=1 pytest
tests/golden/test_grade_formats.py`` and read the diff before committing.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from junitparser import Error, Failure, JUnitXml
from rich.console import Console

from grader.course.catalogue import build_args, load_catalogue
from grader.grading.batch import BatchOptions, grade_folder, select_problems
from grader.grading.submission import Threshold
from grader.reporters import github
from grader.reporters.formats import render_machine
from grader.reporters.grade_text import render_submission
from helpers import GOLDEN as GOLDEN_ROOT
from helpers import GRADE_COURSE, MIXED, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")


COURSE = GRADE_COURSE
GOLDEN = GOLDEN_ROOT / "grade"
STATUSES = {
    "scale-by": "passed",
    "add-one": "failed",
    "square": "error",
    "negate": "timeout",
    "halve": "not_implemented",
    "clip-unit": "not_submitted",
}


def normalise(text: str) -> str:
    """Timings change from run to run; paths are already relative to the working folder."""
    text = re.sub(r'time="[0-9.]+"', 'time="T"', text)
    return re.sub(r'"execution_time": \d+', '"execution_time": 0', text)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    text = normalise(text)
    if os.environ.get("GRADER_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A working folder holding the submission as ``mixed/``, the way a CI checkout would."""
    folder = tmp_path_factory.mktemp("grade")
    shutil.copytree(MIXED, folder / "mixed")
    return folder


@pytest.fixture(scope="module")
def graded(workdir):
    problems = select_problems(load_catalogue(COURSE), None)
    here = Path.cwd()
    os.chdir(workdir)
    try:
        return grade_folder(problems, Path("mixed"), "mixed", BatchOptions(jobs=2))
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def via_cli(workdir):
    """The same submission through the real CLI, as a GitHub Actions step would run it."""
    summary = workdir / "summary.md"
    result = run_cli(
        "--root",
        str(COURSE),
        "grade",
        "mixed",
        "--jobs",
        "2",
        "--format",
        "junit",
        "--output",
        "report.xml",
        cwd=workdir,
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    return result, (workdir / "report.xml").read_text(), summary.read_text()


def test_each_problem_ends_in_its_own_status(graded):
    assert {g.result.slug: g.result.status.value for g in graded.problems} == STATUSES
    assert [g.submitted for g in graded.problems] == [True] * 5 + [False]


def test_points_sum_passed_cases_times_weight(graded):
    by_slug = {g.result.slug: g for g in graded.problems}
    assert (by_slug["scale-by"].score, by_slug["scale-by"].max_score) == (3.0, 3.0)
    assert (by_slug["add-one"].score, by_slug["add-one"].max_score) == (0.0, 6.0)  # weight 2
    assert (graded.score, graded.max_score) == (3.0, 21.0)
    assert not graded.all_passed


def test_text_golden(graded):
    buf = io.StringIO()
    render_submission(
        graded, Threshold(), Console(file=buf, width=100, color_system=None, force_terminal=False)
    )
    check_golden("text.txt", buf.getvalue())


@pytest.mark.parametrize(
    "fmt,name", [("json", "report.json"), ("junit", "junit.xml"), ("gradescope", "results.json")]
)
def test_machine_format_golden(graded, fmt, name):
    check_golden(name, render_machine(graded, fmt))


def test_github_golden(graded):
    check_golden("annotations.txt", "\n".join(github.annotations(graded)) + "\n")
    check_golden("summary.md", github.step_summary(graded))


def test_json_report_is_the_check_object_of_each_problem(graded):
    report = json.loads(render_machine(graded, "json"))
    assert (report["score"], report["max_score"], report["passed"]) == (3.0, 21.0, False)
    assert [p["problem"] for p in report["problems"]] == list(STATUSES)
    for problem in report["problems"]:
        assert {"problem", "status", "score", "max_score", "cases", "diagnoses", "weight", "file"} <= set(
            problem
        )
        failing = {c["id"] for c in problem["cases"] if c["status"] != "passed"}
        explained = {case for d in problem["diagnoses"] for case in d["cases"]}
        # failing cases are explained, with something to try, unless the problem's message says
        # it for all of them (not implemented, not submitted); a passing problem needs nothing
        assert explained <= failing, problem["problem"]
        assert bool(problem["diagnoses"]) == bool(failing and not problem["message"]), problem["problem"]
        assert all(d["title"] and d["fix"] for d in problem["diagnoses"])
    assert report["problems"][5]["message"] == "not submitted: mixed/clip-unit.py is missing"


def test_junit_is_read_back_by_junitparser(graded, tmp_path):
    path = tmp_path / "report.xml"
    path.write_text(render_machine(graded, "junit"))
    xml = JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == list(STATUSES)
    assert sum(s.tests for s in suites.values()) == 12
    assert (suites["scale-by"].failures, suites["scale-by"].errors) == (0, 0)
    assert (suites["add-one"].failures, suites["add-one"].errors) == (2, 0)
    assert (suites["square"].failures, suites["square"].errors) == (0, 2)
    assert (suites["negate"].failures, suites["negate"].errors) == (0, 2)
    assert (suites["halve"].failures, suites["halve"].errors) == (2, 0)
    assert (suites["clip-unit"].failures, suites["clip-unit"].errors) == (2, 0)
    cases = {(s.name, c.name): c for s in suites.values() for c in s}
    square = cases[("square", "worked-example")].result
    assert isinstance(square[0], Error) and "cannot be interpreted as an integer" in square[0].message
    added = cases[("add-one", "worked-example")].result
    assert isinstance(added[0], Failure) and "expected 2, got 3" in added[0].message
    assert cases[("scale-by", "secret-matrix (hidden)")].is_passed


def test_gradescope_matches_the_specification_schema(graded):
    schema = json.loads((Path(__file__).with_name("gradescope.schema.json")).read_text())
    results = json.loads(render_machine(graded, "gradescope"))
    jsonschema.validate(results, schema)
    assert results["score"] == sum(t["score"] for t in results["tests"]) == 3.0
    assert sum(t["max_score"] for t in results["tests"]) == 21.0
    hidden = [t for t in results["tests"] if t["name"].endswith("secret-matrix")]
    assert {t["visibility"] for t in hidden} == {"after_published"}
    chosen = json.loads(render_machine(graded, "gradescope", hidden_visibility="hidden"))
    assert {t["visibility"] for t in chosen["tests"] if t["name"].endswith("secret-matrix")} == {"hidden"}
    jsonschema.validate(chosen, schema)


def test_hidden_cases_reveal_no_input_and_no_expected_value(graded):
    catalogue = load_catalogue(COURSE)
    secrets = set()
    for problem in catalogue.problems:
        for case in problem.cases():
            if not case.hidden:
                continue
            for value in build_args(problem, case):
                flat = np.atleast_1d(np.asarray(value, dtype=np.float64)).ravel()
                expected = {"scale-by": flat * -1.5, "add-one": flat + 1}.get(problem.slug, flat)
                for v in np.concatenate([flat, expected]):
                    if abs(v) not in (0.0, 1.0, 1.5):
                        secrets |= {f"{v:.3f}", f"{v:.4g}"}
    outputs = [render_machine(graded, f) for f in ("json", "junit", "gradescope")]
    outputs += [github.step_summary(graded), "\n".join(github.annotations(graded))]
    buf = io.StringIO()
    render_submission(graded, Threshold(), Console(file=buf, width=100, color_system=None))
    outputs.append(buf.getvalue())
    assert secrets
    for text in map(normalise, outputs):  # a timing could look like a secret by chance
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, leaked


def test_cli_writes_the_same_junit_and_github_output(via_cli):
    result, report, summary = via_cli
    assert result.code == 1, result.stderr
    assert normalise(report) == (GOLDEN / "junit.xml").read_text()
    assert summary == (GOLDEN / "summary.md").read_text()
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == (GOLDEN / "annotations.txt").read_text().splitlines()
    assert annotations[0].startswith("::error file=mixed/square.py,line=4,")


def test_cli_without_actions_prints_no_annotations(workdir):
    result = run_cli(
        "--root",
        str(COURSE),
        "grade",
        "mixed",
        "--problems",
        "square",
        "--format",
        "json",
        cwd=workdir,
        env={"GITHUB_ACTIONS": ""},
    )
    assert result.code == 1
    report = json.loads(result.stdout)  # nothing but the report on stdout
    assert report["problems"][0]["status"] == "error"
    assert "::error" not in result.stdout + result.stderr
