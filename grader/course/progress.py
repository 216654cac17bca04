"""How far the learner has come: per-problem progress read from the workspace state."""

from __future__ import annotations

from dataclasses import dataclass

from grader.course.catalogue import Problem
from grader.course.workspace import Workspace


@dataclass(frozen=True)
class ProblemProgress:
    slug: str
    title: str
    difficulty: str
    status: str  # a ProblemStatus value, or "not started"
    attempts: int
    first_solved: str | None
    hints_shown: int
    hints_total: int

    @property
    def solved(self) -> bool:
        """Solved once means solved: a later failing check does not take it back."""
        return self.status == "passed" or bool(self.first_solved)


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
    items = []
    for p in problems:
        entry = state.get(p.slug)
        entry = entry if isinstance(entry, dict) else {}
        items.append(ProblemProgress(
            slug=p.slug, title=p.title, difficulty=p.difficulty,
            status=str(entry.get("status") or "not started"),
            attempts=_int(entry.get("attempts")),
            first_solved=entry.get("first_solved") or None,
            hints_shown=min(_int(entry.get("hints_shown")), len(p.hints)),
            hints_total=len(p.hints)))
    return Progress(tuple(items))


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


# ---------------------------------------------------------------- the reference, once earned

class SolutionLocked(Exception):
    """The learner has not passed the problem yet."""


def reference_source(problem: Problem, workspace: Workspace, force: bool = False) -> str:
    """The reference solution's source, once the learner has passed ``problem`` (or ``force``).

    Raises SolutionLocked before that, and LookupError when this copy has no reference."""
    if not problem.has_reference:
        raise LookupError(f"this copy of the course has no reference solution for {problem.slug}")
    entry = workspace.problem_state(problem.slug)
    if not force and not (entry.get("status") == "passed" or entry.get("first_solved")):
        raise SolutionLocked(problem.slug)
    if force and not entry.get("solution_seen"):
        workspace.update_problem(problem.slug, solution_seen=True)
    return problem.reference_path.read_text(encoding="utf-8")
