"""Result types: what grading a problem found. Plain data; reporters only read these."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from grader.grading.compare import Mismatch
from grader.grading.points import Totals


class CaseStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_SUBMITTED = "not_submitted"  # `grader grade`: the learner's file is not there


class ProblemStatus(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_IMPLEMENTED = "not_implemented"
    NOT_SUBMITTED = "not_submitted"


@dataclass(frozen=True)
class TraceFrame:
    file: str
    line: int
    name: str
    code: str
    column: int = 0  # 1-based column a syntax error points at (0: none), for the caret


@dataclass(frozen=True)
class ErrorInfo:
    """An exception raised by learner code, trimmed to the learner's own frames."""

    type: str
    message: str
    frames: tuple[TraceFrame, ...] = ()
    hint: str = ""
    not_implemented: bool = False


@dataclass(frozen=True)
class CaseResult:
    id: str
    visibility: str
    status: CaseStatus
    message: str
    points: float = 1.0
    mismatch: Mismatch | None = None
    error: ErrorInfo | None = None
    pitfall: str | None = None
    pitfall_message: str = ""
    inputs: dict | None = None  # visible cases only: argument name -> value as the learner got it
    expected: object = None  # visible cases only: the decoded expected output
    received: object = None  # visible cases only
    seconds: float = 0.0
    kind: str = "case"  # case | requirement (grader/grading/requirements.py: graded on what the code did)

    @property
    def score(self) -> float:
        return self.points if self.status is CaseStatus.PASSED else 0.0

    @property
    def max_score(self) -> float:
        return self.points

    @property
    def full_message(self) -> str:
        """The message with the known mistake it matches, if any."""
        return (
            f"{self.message} — likely cause: {self.pitfall_message}" if self.pitfall_message else self.message
        )


@dataclass(frozen=True)
class Diagnosis:
    """One explanation shared by the failing cases it lists: what came back (against what was
    expected), and what to try. Built from the case results, so hidden cases stay redacted."""

    kind: str  # pitfall | error | mismatch | requirement | other
    title: str  # "Known mistake", "TypeError at learner.py:9", "Wrong shape", ...
    found: str  # what came back, against what was expected
    fix: str  # what to try
    cases: tuple[str, ...]
    error: ErrorInfo | None = None  # the traceback, told once for every case listed
    pitfall: str | None = None
    example: str | None = None  # a visible case of the group whose inputs and outputs can be shown


@dataclass(frozen=True)
class Note:
    """Something worth telling that does not change the verdict (a deprecation warning, ...)."""

    message: str
    location: str = ""


@dataclass
class ProblemResult(Totals):
    slug: str
    title: str
    status: ProblemStatus
    cases: list[CaseResult]
    message: str = ""  # problem-level explanation (load errors, not implemented, ...)
    load_error: ErrorInfo | None = None
    notes: list[Note] = field(default_factory=list)
    diagnoses: list[Diagnosis] = field(
        default_factory=list
    )  # most cases first; see grader/grading/diagnosis.py
    stdout: str = ""
    stderr: str = ""
    streams_truncated: bool = False
    only_visible: bool = False  # graded in a learner distribution: hidden cases were not run
    seconds: float = 0.0

    def _scored(self) -> list[CaseResult]:
        return self.cases

    @property
    def passed(self) -> bool:
        return self.status is ProblemStatus.PASSED

    def advice(self, case_id: str) -> str:
        """What to try for this case, from the diagnosis that covers it ("" when its known
        mistake, already in its message, says it, or nothing covers it)."""
        d = next((d for d in self.diagnoses if case_id in d.cases), None)
        return f"Try: {d.fix}" if d is not None and d.fix and not d.pitfall else ""


def overall_status(cases: list[CaseResult], load_failed: bool) -> ProblemStatus:
    """A problem passes only when every case passed; otherwise the most telling failure wins."""
    if load_failed:
        return ProblemStatus.ERROR
    calls = [c for c in cases if c.kind == "case"]
    if calls and all(c.error is not None and c.error.not_implemented for c in calls):
        return ProblemStatus.NOT_IMPLEMENTED
    statuses = {c.status for c in cases}
    if not cases:
        return ProblemStatus.ERROR
    for status, result in (
        (CaseStatus.ERROR, ProblemStatus.ERROR),
        (CaseStatus.TIMEOUT, ProblemStatus.TIMEOUT),
        (CaseStatus.FAILED, ProblemStatus.FAILED),
    ):
        if status in statuses:
            return result
    return ProblemStatus.PASSED
