"""The logic of ``grader watch``, apart from the terminal: which problem is open, what is shown,
which check is running and which one should run next.

The terminal driver (grader/interactive/watch.py) feeds it keys, saves and finished checks, and asks it
which check to start; it never reads a key or starts a process itself, so tests drive it directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.catalogue import Problem
from grader.course.progress import Progress, load_progress
from grader.course.workspace import Workspace
from grader.grading.results import ProblemResult

KEYS = (
    ("n", "next"),
    ("p", "previous"),
    ("h", "hint"),
    ("s", "statement"),
    ("l", "list"),
    ("c", "check"),
    ("r", "reset"),
    ("q", "quit"),
)


@dataclass(frozen=True)
class RunRequest:
    """Grade this file of this problem; ``digest`` is the content that was saved."""

    problem: Problem
    path: Path
    digest: str
    record: bool = True  # counts in the learner's progress (not so for the untouched stub checked on opening)


@dataclass
class WatchLoop:
    problems: list[Problem]
    workspace: Workspace
    index: int = 0
    view: str = "verdict"  # verdict | statement | list | confirm-reset
    result: ProblemResult | None = None  # the newest verdict of the open problem
    hints: list[str] = field(default_factory=list)  # hints of the open problem shown so far
    message: str = ""  # one line about the last thing that happened
    running: RunRequest | None = None
    queued: bool = False  # a save arrived while a check was running
    quit: bool = False
    quick: bool = False  # the verdict shown is a quick one; the confirmed one is on its way
    watching: bool = False  # saves are being watched (set by the driver once its watcher runs)
    _last_digest: str | None = None  # the content of the last check started
    _recorded: dict = field(default_factory=dict)  # slug -> the content of its last recorded check

    @classmethod
    def open(cls, problems: list[Problem], workspace: Workspace, slug: str | None = None) -> WatchLoop:
        """Open on ``slug``, else on the first unsolved problem in track order."""
        if not problems:
            raise LookupError("this course has no problems")
        loop = cls(problems, workspace)
        if slug is not None:
            slugs = [p.slug for p in problems]
            if slug not in slugs:
                raise LookupError(f"unknown problem {slug!r} (known: {', '.join(slugs)})")
            index = slugs.index(slug)
        else:
            first = loop.progress().first_unsolved()
            index = [p.slug for p in problems].index(first.slug) if first else 0
        loop._go(index)
        return loop

    def check_on_open(self) -> RunRequest | None:
        """The check of the open problem's file as it stands, to start as soon as the problem is
        shown (on opening, and on moving to it with n or p): the learner sees where they stand
        without saving first. Checking the untouched stub, or the content recorded last in this
        session (moving back to a problem), shows the verdict but records no attempt."""
        digest = _digest(self.path)
        seen = digest in (_digest(self.problem.stub_path), self._recorded.get(self.problem.slug))
        return self._request(force=True, record=not seen)

    # ------------------------------------------------------------ reading

    @property
    def problem(self) -> Problem:
        return self.problems[self.index]

    @property
    def path(self) -> Path:
        return self.workspace.solution_path(self.problem)

    def progress(self) -> Progress:
        return load_progress(self.problems, self.workspace)

    @property
    def solved(self) -> bool:
        return self.progress().get(self.problem.slug).solved

    # ------------------------------------------------------------ events

    def on_key(self, key: str) -> RunRequest | None:
        """Handle one key press; returns the check to start, if any."""
        if self.view == "confirm-reset":
            self.view = "verdict"
            if key in ("y", "Y"):
                self.workspace.reset(self.problem)
                self.result, self._last_digest = None, _digest(self.path)  # the stub needs no check
                self.message = f"Restored {self.path.name} from the stub."
            else:
                self.message = "Nothing changed."
            return None
        if key == "q":
            self.quit = True
        elif key in ("n", "p"):
            step = 1 if key == "n" else -1
            target = self.index + step
            if 0 <= target < len(self.problems):
                self._go(target)
                return self.check_on_open()
            else:
                self.message = "This is the last problem." if step > 0 else "This is the first problem."
        elif key == "h":
            found = self.workspace.next_hint(self.problem)
            self.view = "verdict"
            if found is None:
                self.message = (
                    "No more hints for this problem." if self.problem.hints else "This problem has no hints."
                )
            else:
                self.hints.append(found[1])
                self.message = f"Hint {found[0]}/{len(self.problem.hints)} shown."
        elif key in ("s", "l"):
            wanted = "statement" if key == "s" else "list"
            self.view = "verdict" if self.view == wanted else wanted
        elif key == "c":
            self.view = "verdict"
            return self._request(force=True)
        elif key == "r":
            self.view = "confirm-reset"
        elif key in ("\x1b", "\r", "\n", " "):
            self.view = "verdict"
        return None

    def on_saved(self, paths: set[Path]) -> RunRequest | None:
        """Files changed on disk; returns the check to start, if the open problem's file changed."""
        if self.path.resolve() not in {Path(p).resolve() for p in paths}:
            return None
        return self._request(force=False)

    def on_quick(self, request: RunRequest, result: ProblemResult) -> None:
        """A quick verdict arrived from the worker kept between checks: show it, record nothing."""
        if request is not self.running or self.queued or request.problem.slug != self.problem.slug:
            return
        self.result, self.quick, self.view = result, True, "verdict"
        self.message = "Quick verdict; confirming it in a fresh process…"

    def on_graded(
        self, request: RunRequest, result: ProblemResult | None, error: str = ""
    ) -> RunRequest | None:
        """A check finished; records it and returns the next check to start, if a save came meanwhile."""
        self.running = None
        quick, self.quick = (self.result if self.quick else None), False
        if result is not None and request.record:
            self.workspace.record_check(request.problem.slug, result.status.value)
            self._recorded[request.problem.slug] = request.digest
        if request.problem.slug != self.problem.slug:
            return self.check_on_open() if self.queued else None  # the learner moved on: check where they are
        if self.queued:  # the newest save wins: this verdict is already out of date
            self.queued = False
            follow = self._request(force=False)
            if follow is not None:
                return follow
        if result is None:
            self.message = f"Could not grade {request.problem.slug}: {error}"
            return None
        self.result = result
        self.view = "verdict"
        self.message = "Solved! Press n for the next problem." if result.passed else ""
        if quick is not None and not same_verdict(quick, result):
            self.message = (
                "The quick verdict differed from this one, made in a fresh process: "
                "code from an earlier save had left something behind. " + self.message
            ).strip()
        return None

    # ------------------------------------------------------------ helpers

    def _go(self, index: int) -> None:
        self.index, self.view, self.result, self.queued, self.quick = index, "verdict", None, False, False
        self.workspace.ensure_copy(self.problem)
        self._last_digest = None  # whatever the file holds is checked once on opening (check_on_open)
        shown = self.progress().get(self.problem.slug).hints_shown
        self.hints = list(self.problem.hints[:shown])
        self.message = (
            "You solved this one already. Press n for the next problem."
            if self.solved
            else "Save your file to check it again, or press c."
        )

    def _request(self, force: bool, record: bool = True) -> RunRequest | None:
        digest = _digest(self.path)
        if digest is None:
            self.message = f"{self.path.name} is missing: press r to restore it from the stub."
            return None
        if self.running is not None:
            self.queued = True  # no run while one is in flight: check again when it ends
            return None
        if not force and digest == self._last_digest:
            return None  # an editor's second write of the same content: checked already
        self._last_digest = digest
        self.running = RunRequest(self.problem, self.path, digest, record)
        self.message = f"Checking {self.problem.slug}…"
        return self.running


def same_verdict(a: ProblemResult, b: ProblemResult) -> bool:
    """The same overall status and the same status on every case."""
    return a.status == b.status and [(c.id, c.status) for c in a.cases] == [(c.id, c.status) for c in b.cases]


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
