"""Gradescope's ``results.json`` (its autograder specification) for a graded submission.

One test per case, named ``<problem>: <case>``, worth the case's points times the problem's
weight. Visible cases are ``visible``; hidden cases take the visibility the instructor chose
(``after_published`` unless told otherwise) and, like everywhere else, show no input and no
expected value.
"""

from __future__ import annotations

import math

from grader.grading.points import format_points
from grader.grading.results import CaseStatus
from grader.grading.submission import SubmissionResult

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")


def gradescope_results(submission: SubmissionResult, hidden_visibility: str = "after_published") -> dict:
    if hidden_visibility not in VISIBILITIES:
        raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {hidden_visibility!r}")
    tests = []
    for number, grade in enumerate(submission.problems, 1):
        result = grade.result
        for sub, case in enumerate(result.cases, 1):
            output = case.full_message
            if result.advice(case.id):
                output += "\n" + result.advice(case.id)
            if (
                case.status is not CaseStatus.PASSED
                and result.message
                and result.message != case.full_message
            ):
                output += "\n\n" + result.message
            tests.append(
                {
                    "name": f"{result.slug}: {case.id}",
                    "number": f"{number}.{sub}",
                    "score": float(grade.weight * case.score),
                    "max_score": float(grade.weight * case.points),
                    "status": "passed" if case.status is CaseStatus.PASSED else "failed",
                    "output": output,
                    "visibility": hidden_visibility if case.visibility == "hidden" else "visible",
                    "tags": [result.slug],
                }
            )
    lines = [
        f"{grade.result.slug}: {grade.result.status.value}, {format_points(grade.score)}/{format_points(grade.max_score)} points"
        for grade in submission.problems
    ]
    return {
        "score": float(submission.score),
        "execution_time": int(math.ceil(submission.seconds)),
        "output": f"Total: {format_points(submission.score)}/{format_points(submission.max_score)} points\n"
        + "\n".join(lines),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }
