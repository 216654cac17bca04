"""The commands for CI and whoever runs it: grade, merge, doctor."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from grader.cli.common import CommandContext, Commands, MaxFileBytes, Platform, TimeLimit, fail
from grader.course.learner_file import write_report
from grader.course.schema import MetadataError
from grader.course.workspace import display
from grader.engine.runner import RunOptions
from grader.errors import GraderError
from grader.grading.assess import GradeOptions
from grader.grading.submission import SubmissionResult, Threshold
from grader.reporters import text as text_report

if TYPE_CHECKING:  # rich.progress is imported when a bar is shown
    from rich.progress import Progress as ProgressBar


COMMANDS = Commands("For CI")  # registered in order of definition


@COMMANDS("grade")
def grade_command(
    ctx: typer.Context,
    folder: Path | None = typer.Argument(None, help="Submission folder holding <slug>.py files."),
    many: Path | None = typer.Option(
        None, "--many", help="Grade every ROOT/<learner>/ folder and write a gradebook."
    ),
    problems: str | None = typer.Option(
        None, "--problems", help="Comma-separated problems to grade (default: all)."
    ),
    format: str = typer.Option(
        "text", "--format", help="text, json, junit or gradescope (text only with --many)."
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        help="Write the report to this file; with --many, the gradebook folder (default: gradebook).",
    ),
    min_score: str | None = typer.Option(
        None,
        "--min-score",
        help="Points (7.5) or share (80%) needed for exit code 0 (default: every problem passed).",
    ),
    jobs: int = typer.Option(
        1, "--jobs", min=1, help="Learners graded at once (each in worker processes of their own)."
    ),
    shard: str | None = typer.Option(
        None, "--shard", help="K/N: with --many, grade only the K-th of N slices of the class."
    ),
    hidden_visibility: str = typer.Option(
        "after_published",
        "--hidden-visibility",
        help="Gradescope visibility of hidden cases: hidden, after_due_date, after_published or visible.",
    ),
    platform: Platform = "cpu",
    time_limit: TimeLimit = None,
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Grade a submission folder (or a class with --many) with points, for CI. Exit 0 when the threshold is met, 1 when not."""
    from grader.grading import batch
    from grader.grading.submission import parse_threshold
    from grader.reporters import github
    from grader.reporters.formats import FORMATS
    from grader.reporters.gradescope import VISIBILITIES

    s: CommandContext = ctx.obj
    if (folder is None) == (many is None):
        fail(s, "give either a submission folder or --many ROOT")
    if format not in FORMATS or (many is not None and format != "text"):
        fail(
            s,
            f"unknown format {format!r} (use {', '.join(FORMATS)})"
            if format not in FORMATS
            else "--many writes a gradebook (CSV and JSON); --format applies to one submission",
        )
    if shard is not None and many is None:
        fail(s, "--shard slices a class: use it with --many")
    if hidden_visibility not in VISIBILITIES:
        fail(s, f"--hidden-visibility must be one of {', '.join(VISIBILITIES)}")
    target = many if many is not None else folder
    assert target is not None  # exactly one of the two, checked above
    if not target.is_dir() and (many is not None or not target.is_symlink()):  # DIR as a link: refused below
        fail(s, f"not a folder: {target}")
    if many is not None:
        _refuse_gradebook_folder(s, output or Path("gradebook"), many)
    try:
        threshold = parse_threshold(min_score)
        slice_ = batch.parse_shard(shard) if shard else None
        selected = batch.select_problems(
            s.catalogue, [p.strip() for p in problems.split(",") if p.strip()] if problems else None
        )
    except (ValueError, LookupError) as exc:
        fail(s, str(exc.args[0]))
    except MetadataError as exc:
        fail(s, f"a problem is broken: {exc.findings[0]} (run `grader validate`)")
    options = batch.BatchOptions(
        GradeOptions(
            run=RunOptions(platform=platform), case_seconds=time_limit, max_file_bytes=max_file_bytes
        ),
        jobs,
    )
    learners = (
        batch.discover_learners(target, str(target))
        if many is not None
        else [batch.learner_at(target, str(target))]
    )
    if slice_:
        learners = batch.select_shard(learners, *slice_)
    try:
        with _grading_progress(s.err, len(learners) * len(selected)) as progress:
            graded = batch.grade_learners(selected, learners, options, progress)
    except GraderError as exc:
        fail(s, f"cannot grade: {exc}")
    met = {sub.learner: threshold.met(sub) for sub in graded}
    if many is not None:
        from grader.grading.gradebook import build_gradebook, write_gradebook
        from grader.reporters.grade_text import render_class

        book = build_gradebook(selected, graded, slice_)
        try:
            written = write_gradebook(book, output or Path("gradebook"))
        except GraderError as exc:
            fail(s, str(exc))
        render_class(book, met, threshold, s.out, [display(p) for p in written])
        if github.in_actions(os.environ):
            github.append_summary(github.class_summary(book, met), os.environ)
    else:
        submission = graded[0]
        _write_submission(s, submission, format, output, threshold, hidden_visibility)
        if github.in_actions(os.environ):
            machine_on_stdout = format != "text" and output is None
            for line in github.annotations(submission):
                print(line, file=sys.stderr if machine_on_stdout else sys.stdout)
            github.append_summary(github.step_summary(submission), os.environ)
    raise typer.Exit(0 if all(met.values()) else 1)


def _write_submission(
    s: CommandContext,
    submission: SubmissionResult,
    format: str,
    output: Path | None,
    threshold: Threshold,
    visibility: str,
) -> None:
    from grader.reporters.formats import render_machine
    from grader.reporters.grade_text import render_submission

    if format == "text":
        if output is None:
            render_submission(submission, threshold, s.out)
            return
        buffer = io.StringIO()
        render_submission(submission, threshold, Console(file=buffer, width=100, color_system=None))
        text = buffer.getvalue()
    else:
        text = render_machine(submission, format, threshold, visibility)
        if output is None:
            sys.stdout.write(text)
            return
    try:
        write_report(
            output, text
        )  # replaces what is there (a learner's link or pipe), never writes through it
    except GraderError as exc:
        fail(s, str(exc))


def _refuse_gradebook_folder(s: CommandContext, folder: Path, root: Path) -> None:
    """Learners control everything under the class folder: the gradebook goes elsewhere, and not
    through a link."""
    if folder.is_symlink():
        fail(s, f"the gradebook folder {folder} is a symbolic link; give a real folder (--output)")
    where, class_root = folder.resolve(), root.resolve()
    if where == class_root or class_root in where.parents:
        fail(
            s,
            f"the gradebook folder {folder} is inside the class folder {root}, where learners control "
            "every name; give an --output folder outside it",
        )


class _grading_progress:
    """A rich progress bar on a terminal (stderr); no output otherwise."""

    def __init__(self, console: Console, total: int):
        self.console, self.total = console, total
        self.bar: ProgressBar | None = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if not self.console.is_terminal or self.total <= 1:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = self.bar = Progress(
            TextColumn("Grading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        bar.start()
        task = bar.add_task("grading", total=self.total)
        return lambda done, total: bar.update(task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


@COMMANDS("merge")
def merge_command(
    ctx: typer.Context,
    gradebooks: list[Path] = typer.Argument(
        ..., help="gradebook.json files (or folders holding one) written by `grade --many --shard`."
    ),
    output: Path = typer.Option(
        Path("gradebook"),
        "--output",
        help="Folder to write the merged gradebook.csv and gradebook.json into.",
    ),
) -> None:
    """Merge the gradebooks of shards into one gradebook (CSV and JSON)."""
    from grader.grading.gradebook import merge_gradebooks, read_gradebook, write_gradebook

    s: CommandContext = ctx.obj
    try:
        merged = merge_gradebooks([read_gradebook(p) for p in gradebooks])
        written = write_gradebook(merged, output)
    except GraderError as exc:  # GradebookError, or a file that cannot be written
        fail(s, str(exc))
    s.out.print(
        f"Merged {len(gradebooks)} gradebooks ({len(merged['learners'])} learners) into "
        + ", ".join(display(p) for p in written),
        highlight=False,
    )


@COMMANDS("doctor")
def doctor_command(ctx: typer.Context) -> None:
    """List the protections against untrusted code that are active on this machine."""
    s: CommandContext = ctx.obj
    from grader.engine import daemon
    from grader.engine.cache import cache_dir
    from grader.engine.sandbox import protections

    found = protections([str(s.root / "reference"), str(cache_dir())])
    text_report.render_protections(found, s.out)
    folder = daemon.folder_for(RunOptions())
    use = "yes" if daemon.enabled(sys.stdout.isatty()) else "no"
    running = "running" if (folder / "sock").exists() else "not running"
    s.out.print(
        f"Check daemon (workers forked from a process kept between checks): used here: {use} "
        f"(GRADER_DAEMON={os.environ.get('GRADER_DAEMON', '')!s}); {running}; {folder}",
        highlight=False,
    )
