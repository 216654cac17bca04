"""What grading a whole submission found: one learner's folder, every problem, with points.

Plain data, like ``results``; ``batch`` builds it and the reporters only read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.course.catalogue import Case
from grader.grading.points import Totals, format_points
from grader.grading.results import CaseResult, CaseStatus, ProblemResult, ProblemStatus


@dataclass(frozen=True)
class ProblemGrade:
    """One problem of a submission: its result, the problem's weight and the file as shown."""

    result: ProblemResult
    weight: float = 1.0
    file: str = ""  # the learner's file as the user named it (``submission/scale-by.py``)

    @property
    def submitted(self) -> bool:
        return self.result.status is not ProblemStatus.NOT_SUBMITTED

    @property
    def score(self) -> float:
        return self.weight * self.result.score

    @property
    def max_score(self) -> float:
        return self.weight * self.result.max_score


@dataclass
class SubmissionResult(Totals):
    learner: str
    problems: list[ProblemGrade] = field(default_factory=list)
    seconds: float = 0.0

    def _scored(self) -> list[ProblemGrade]:
        return self.problems

    @property
    def all_passed(self) -> bool:
        return bool(self.problems) and all(p.result.passed for p in self.problems)


@dataclass(frozen=True)
class Threshold:
    """``--min-score``: points (``7.5``) or a share of the maximum (``80%``); None: everything passed."""

    points: float | None = None
    percent: float | None = None

    def met(self, submission: SubmissionResult) -> bool:
        if self.points is not None:
            return submission.score >= self.points - 1e-9
        if self.percent is not None:
            if submission.max_score == 0:
                return True
            return 100.0 * submission.score / submission.max_score >= self.percent - 1e-9
        return submission.all_passed

    def describe(self) -> str:
        if self.points is not None:
            return f"at least {format_points(self.points)} points"
        if self.percent is not None:
            return f"at least {format_points(self.percent)}% of the points"
        return "every problem passed"


_THRESHOLD_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$")


def parse_threshold(text: str | None) -> Threshold:
    """Read ``--min-score``; raises ValueError with a message for the user."""
    if text is None:
        return Threshold()
    found = _THRESHOLD_RE.match(text)
    if not found:
        raise ValueError(f"--min-score must be a number of points or a percentage like 80%, not {text!r}")
    value = float(found.group(1))
    if found.group(2):
        if value > 100:
            raise ValueError(f"--min-score {text} is more than 100%")
        return Threshold(percent=value)
    return Threshold(points=value)


def not_submitted(slug: str, title: str, cases: Iterable[Case], file: str) -> ProblemResult:
    """The result of a problem whose file is not in the submission: every case scores 0."""
    message = f"not submitted: {file} is missing"
    return ProblemResult(
        slug=slug,
        title=title,
        status=ProblemStatus.NOT_SUBMITTED,
        cases=[
            CaseResult(c.id, c.visibility, CaseStatus.NOT_SUBMITTED, "not submitted", points=c.points)
            for c in cases
        ],
        message=message,
    )


def refused(slug: str, title: str, cases: Iterable[Case], message: str) -> ProblemResult:
    """A file the grader will not run (a symbolic link, a folder): an error of the submission."""
    return ProblemResult(
        slug=slug,
        title=title,
        status=ProblemStatus.ERROR,
        cases=[
            CaseResult(
                c.id, c.visibility, CaseStatus.ERROR, "not run: the file could not be loaded", points=c.points
            )
            for c in cases
        ],
        message=message,
    )
