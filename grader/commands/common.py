"""What every command shares: the session (course, workspace, consoles) and how to stop."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console

from grader.catalogue import Catalogue, Problem
from grader.schema import MetadataError
from grader.workspace import Workspace

EXIT_USAGE = 2


@dataclass
class Session:
    root: Path
    catalogue: Catalogue
    workspace: Workspace
    out: Console
    err: Console

    def problem(self, slug: str) -> Problem:
        try:
            return self.catalogue.get(slug)
        except LookupError as exc:
            fail(self, str(exc.args[0]))
        except MetadataError as exc:
            fail(self, f"problem {slug!r} is broken: {exc.findings[0]} (run `grader validate {slug}`)")


def fail(session_or_console, message: str, code: int = EXIT_USAGE):
    """Stop with a one-line message on stderr and a non-zero exit code."""
    console = session_or_console.err if isinstance(session_or_console, Session) else session_or_console
    console.print(f"grader: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)



def cores() -> int:
    """Workers one check may spread its cases over: two where two cores are free to us."""
    return min(2, len(os.sched_getaffinity(0)))
