"""How far the learner has come: one computed status per problem, read from the workspace state.

Every view (``list``, ``progress``, ``watch``, ``solution``) reads its status from here, so they
cannot disagree. Only checks change the status; a hint is counted beside it, and restoring the
file from the stub (``reset``) takes nothing back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from grader.course.catalogue import Problem
from grader.course.workspace import Workspace

SOLVED = "solved"
NOT_STARTED = "not started"


@dataclass(frozen=True)
class ProblemProgress:
    slug: str
    title: str
    difficulty: str
    position: int
    solved: bool  # passed at least once: a later failing check does not take it back
    latest: str | None  # the status of the newest check (a ProblemStatus value); None before the first
    attempts: int
    first_solved: str | None
    hints_shown: int
    hints_total: int

    @property
    def status(self) -> str:
        """The one word every view shows: "solved", else the newest check's status, else "not started"."""
        if self.solved:
            return SOLVED
        return self.latest or NOT_STARTED

    @property
    def latest_differs(self) -> bool:
        """Solved once, but the newest check did not pass: views show that check's status beside it."""
        return self.solved and self.latest not in (None, "passed")


@dataclass(frozen=True)
class Progress:
    problems: tuple[ProblemProgress, ...]

    @property
    def solved(self) -> int:
        return sum(1 for p in self.problems if p.solved)

    @property
    def total(self) -> int:
        return len(self.problems)

    @property
    def attempts(self) -> int:
        return sum(p.attempts for p in self.problems)

    def first_unsolved(self) -> ProblemProgress | None:
        return next((p for p in self.problems if not p.solved), None)

    def get(self, slug: str) -> ProblemProgress:
        return next(p for p in self.problems if p.slug == slug)


def load_progress(problems: list[Problem], workspace: Workspace) -> Progress:
    """Progress on ``problems`` (in track order) as remembered in ``workspace``."""
    state = workspace.load_state()["problems"]
    return Progress(tuple(problem_progress(p, state.get(p.slug)) for p in problems))


def problem_progress(problem: Problem, entry: object) -> ProblemProgress:
    """One problem's progress from its entry in the workspace state (whatever that entry holds)."""
    entry = entry if isinstance(entry, dict) else {}
    latest = entry.get("status")
    latest = latest if isinstance(latest, str) and latest else None  # a hint alone leaves no status
    first_solved = entry.get("first_solved")
    first_solved = first_solved if isinstance(first_solved, str) and first_solved else None
    return ProblemProgress(
        slug=problem.slug,
        title=problem.title,
        difficulty=problem.difficulty,
        position=problem.position,
        solved=latest == "passed" or first_solved is not None,
        latest=latest,
        attempts=_int(entry.get("attempts")),
        first_solved=first_solved,
        hints_shown=min(_int(entry.get("hints_shown")), len(problem.hints)),
        hints_total=len(problem.hints),
    )


def _int(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------- the reference, once earned


class SolutionLocked(Exception):
    """The learner has not passed the problem yet."""


def reference_source(problem: Problem, workspace: Workspace, force: bool = False) -> str:
    """The reference solution's source, once the learner has solved ``problem`` (or ``force``).

    Raises SolutionLocked before that, and LookupError when this copy has no reference."""
    if not problem.has_reference:
        raise LookupError(f"this copy of the course has no reference solution for {problem.slug}")
    entry = workspace.problem_state(problem.slug)
    if not force and not problem_progress(problem, entry).solved:
        raise SolutionLocked(problem.slug)
    if force and not entry.get("solution_seen"):
        workspace.update_problem(problem.slug, solution_seen=True)
    return problem.reference_path.read_text(encoding="utf-8")
