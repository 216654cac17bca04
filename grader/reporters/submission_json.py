"""The machine-readable form of a graded submission (``grader grade --format json``)."""

from __future__ import annotations

from grader.grading.submission import SubmissionResult, Threshold
from grader.reporters.json_report import check_object


def submission_object(submission: SubmissionResult, threshold: Threshold = Threshold()) -> dict:
    """``{"score", "max_score", "passed", "problems": [...]}``: each problem is its ``check`` object
    with the problem's ``weight`` and ``file``; ``score`` and ``max_score`` at the top are weighted."""
    return {
        "score": float(submission.score),
        "max_score": float(submission.max_score),
        "passed": threshold.met(submission),
        "problems": [
            dict(check_object(p.result), weight=float(p.weight), file=p.file) for p in submission.problems
        ],
    }
