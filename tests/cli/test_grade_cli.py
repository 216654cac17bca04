"""`grader grade` usage: exit code 2 for what it cannot do, thresholds, and its help."""

from __future__ import annotations

import pytest

from grader.grading.results import CaseResult, CaseStatus, ProblemResult, ProblemStatus
from grader.grading.submission import ProblemGrade, SubmissionResult, parse_threshold
from helpers import GRADE_COURSE, MIXED, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

COURSE = GRADE_COURSE


@pytest.mark.parametrize(
    "args,message",
    [
        ((), "give either a submission folder or --many"),
        ((str(MIXED), "--many", str(MIXED)), "give either"),
        ((str(MIXED), "--format", "xml"), "unknown format 'xml'"),
        (("--many", str(MIXED), "--format", "json"), "--many writes a gradebook"),
        ((str(MIXED), "--shard", "1/2"), "--shard slices a class"),
        (("--many", str(MIXED), "--shard", "3/2"), "K must be between 1 and N"),
        (("--many", str(MIXED), "--shard", "half"), "must look like K/N"),
        ((str(MIXED), "--problems", "nope"), "unknown problem 'nope'"),
        ((str(MIXED), "--min-score", "lots"), "--min-score must be"),
        ((str(MIXED), "--hidden-visibility", "soon"), "--hidden-visibility must be one of"),
        ((str(MIXED / "nowhere"),), "not a folder"),
    ],
)
def test_usage_errors_exit_2(args, message):
    result = run_cli("--root", str(COURSE), "grade", *args)
    assert result.code == 2, (result.stdout, result.stderr)
    assert message in result.stderr


def test_merge_of_nothing_readable_exits_2(tmp_path):
    result = run_cli("--root", str(COURSE), "merge", str(tmp_path / "missing.json"))
    assert result.code == 2 and "no such file" in result.stderr


def test_min_score_sets_the_exit_code():
    common = (
        "--root",
        str(COURSE),
        "grade",
        str(MIXED),
        "--problems",
        "scale-by,clip-unit",
        "--format",
        "json",
    )
    assert run_cli(*common, "--min-score", "50%").code == 0  # 3 of 6 points
    assert run_cli(*common).code == 1  # by default every problem must pass


def _submission(passed: int, failed: int) -> SubmissionResult:
    cases = [CaseResult(f"p{i}", "visible", CaseStatus.PASSED, "passed") for i in range(passed)]
    cases += [CaseResult(f"f{i}", "hidden", CaseStatus.FAILED, "wrong", points=2) for i in range(failed)]
    status = ProblemStatus.PASSED if not failed else ProblemStatus.FAILED
    return SubmissionResult("x", [ProblemGrade(ProblemResult("p", "P", status, cases), weight=1.5)])


def test_thresholds():
    half = _submission(passed=2, failed=1)  # 3 of 6 weighted points
    assert (half.score, half.max_score) == (3.0, 6.0)
    assert parse_threshold("3").met(half) and not parse_threshold("3.5").met(half)
    assert parse_threshold("50%").met(half) and not parse_threshold("51%").met(half)
    assert not parse_threshold(None).met(half)
    assert parse_threshold(None).met(_submission(passed=2, failed=0))
    with pytest.raises(ValueError):
        parse_threshold("150%")


def test_every_new_command_has_help():
    for command in ("grade", "merge"):
        result = run_cli("--root", str(COURSE), command, "--help")
        assert result.code == 0 and "Usage" in result.stdout
