"""The learner's workspace: their copy of each stub and what the grader remembers about them."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from grader.course.catalogue import Problem

STATE_FILE = ".grader-state.json"
LOCK_FILE = ".grader-state.lock"
STATE_VERSION = 1


def display(path: Path) -> str:
    """``path`` relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class Workspace:
    folder: Path

    @classmethod
    def locate(cls, root: Path, option: Path | None = None) -> Workspace:
        """``--workspace``, else $GRADER_WORKSPACE, else ``workspace/`` in the course folder."""
        if option is not None:
            return cls(option.resolve())
        env = os.environ.get("GRADER_WORKSPACE")
        return cls(Path(env).resolve() if env else root / "workspace")

    def solution_path(self, problem: Problem) -> Path:
        return self.folder / f"{problem.slug}.py"

    def ensure_copy(self, problem: Problem) -> tuple[Path, bool]:
        """The learner's file for ``problem``, copied from the stub on first use. Returns (path, created)."""
        path = self.solution_path(problem)
        if os.path.lexists(path):  # a link (even a dangling one) is the learner's: never write through it
            return path, False
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(problem.stub_path, path)
        return path, True

    def reset(self, problem: Problem) -> Path:
        path = self.solution_path(problem)
        self.folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(problem.stub_path, path)
        return path

    # ------------------------------------------------------------ remembered state

    def load_state(self) -> dict:
        try:
            data = json.loads((self.folder / STATE_FILE).read_text())
        except (OSError, ValueError):
            return {"version": STATE_VERSION, "problems": {}}
        if not isinstance(data, dict) or not isinstance(data.get("problems"), dict):
            return {"version": STATE_VERSION, "problems": {}}
        return data

    def problem_state(self, slug: str) -> dict:
        entry = self.load_state()["problems"].get(slug)
        return entry if isinstance(entry, dict) else {}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One read-modify-write of the state at a time (watch and check may run together)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / LOCK_FILE, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def update_problem(self, slug: str, change: Callable[[dict], dict] | None = None, **changes: Any) -> dict:
        """Apply ``changes`` (or ``change(entry) -> dict``) to a problem's entry, atomically."""
        with self._locked():
            state = self.load_state()
            entry = state["problems"].setdefault(slug, {})
            entry.update(change(dict(entry)) if change else changes)
            self._save(state)
            return entry

    def record_check(self, slug: str, status: str) -> None:
        def change(entry: dict) -> dict:
            out = {"status": status, "attempts": int(entry.get("attempts", 0)) + 1, "last_checked": _now()}
            if status == "passed" and not entry.get("first_solved"):
                out["first_solved"] = _now()
            return out

        self.update_problem(slug, change)

    def next_hint(self, problem: Problem) -> tuple[int, str] | None:
        """Reveal one more hint; returns (number, text) or None when all were shown."""
        revealed = {}

        def change(entry: dict) -> dict:
            shown = int(entry.get("hints_shown", 0))
            if shown < len(problem.hints):
                revealed["hint"] = (shown + 1, problem.hints[shown])
                return {"hints_shown": shown + 1}
            return {}

        self.update_problem(problem.slug, change)
        return revealed.get("hint")

    def _save(self, state: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.glob(".state-*.tmp"):  # left by a process killed mid-write
            try:
                if stale.stat().st_mtime < time.time() - 3600:
                    stale.unlink()
            except OSError:
                pass
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".state-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(state, fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.folder / STATE_FILE)  # atomic: never a half-written state
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
