"""What every command shares: its context (course, workspace, consoles), the options several
commands take, and how to stop."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from grader.course.catalogue import Catalogue, Problem
from grader.course.schema import MetadataError
from grader.course.workspace import Workspace

EXIT_USAGE = 2
T = TypeVar("T")


@dataclass
class CommandContext:
    """The course a command works on, the learner's workspace, and where its output goes."""

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


def fail(session_or_console: CommandContext | Console, message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Stop with a one-line message on stderr and a non-zero exit code."""
    console = session_or_console.err if isinstance(session_or_console, CommandContext) else session_or_console
    console.print(f"grader: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def encode_safely() -> None:
    """Whatever the terminal's encoding (ASCII under LANG=C or PYTHONIOENCODING=ascii), text it
    cannot carry is written as escapes: learner text never stops the output."""
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):  # not a text stream of io's (a test's capture)
            continue
        try:
            stream.reconfigure(errors="backslashreplace")
        except ValueError:
            pass


# ---------------------------------------------------------------- options of several commands
# declared once each; a command writes ``platform: Platform = "cpu"``

Platform = Annotated[
    str, typer.Option("--platform", help="JAX platform the code runs on (cpu keeps verdicts reproducible).")
]
TimeLimit = Annotated[
    float | None,
    typer.Option(
        "--time-limit", min=0.1, help="Seconds allowed per case (default: each problem's own limit)."
    ),
]


class Commands:
    """The commands of one audience, under one heading of ``grader --help``: a module writes
    ``COMMANDS = Commands("For learners")`` and puts ``@COMMANDS("list")`` on each command."""

    def __init__(self, panel: str) -> None:
        self.panel = panel
        self.by_name: dict[str, Callable[..., None]] = {}

    def __call__(self, name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
        def add(command: Callable[..., None]) -> Callable[..., None]:
            self.by_name[name] = command
            return command

        return add

    def register(self, app: typer.Typer) -> None:
        for name, command in self.by_name.items():
            app.command(name, rich_help_panel=self.panel)(command)


def switch(name: str, help: str, default: bool = True) -> Any:
    """An on/off option spelled ``--NAME/--no-NAME``, on unless ``default`` says otherwise."""
    return typer.Option(default, f"--{name}/--no-{name}", help=help)


MaxFileBytes = Annotated[
    int | None,
    typer.Option(
        "--max-file-bytes",
        min=1,
        metavar="BYTES",
        help="Largest submission file graded; a bigger one is an error, not read "
        "(default: $GRADER_MAX_SUBMISSION_BYTES, else 1048576 = 1 MiB).",
    ),
]


def with_status(s: CommandContext, message: str, work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``work(*args, **kwargs)``; at a terminal under a spinner saying ``message``, which ``work``
    updates through its ``progress`` argument."""
    if not s.err.is_terminal:
        return work(*args, **kwargs)
    with s.err.status(message) as status:
        return work(*args, progress=status.update, **kwargs)
