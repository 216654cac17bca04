"""The learner's commands: list, show, check, hint, reset, watch, progress, solution."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer

from grader.cli.common import CommandContext, Commands, MaxFileBytes, Platform, TimeLimit, fail, switch
from grader.course.workspace import display
from grader.engine.runner import RunOptions, free_cores
from grader.errors import GraderError
from grader.grading.assess import GradeOptions, grade_problem
from grader.reporters import text as text_report
from grader.reporters.json_report import check_object

COMMANDS = Commands("For learners")  # registered in order of definition


@COMMANDS("list")
def list_command(ctx: typer.Context) -> None:
    """List the problems in track order with your status."""
    s: CommandContext = ctx.obj
    from grader.course.progress import load_progress
    from grader.reporters.progress import render_problem_list

    render_problem_list(load_progress(s.catalogue.problems, s.workspace), s.catalogue.broken, s.out)


@COMMANDS("show")
def show_command(ctx: typer.Context, slug: str = typer.Argument(..., help="The problem to show.")) -> None:
    """Show a problem's statement."""
    s: CommandContext = ctx.obj
    text_report.render_statement(s.problem(slug), s.out)


@COMMANDS("check")
def check_command(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The problem to check."),
    file: Path | None = typer.Option(None, "--file", help="Grade this file instead of your workspace copy."),
    format: str = typer.Option("text", "--format", help="Output format: text or json."),
    platform: Platform = "cpu",
    time_limit: TimeLimit = None,
    max_file_bytes: MaxFileBytes = None,
) -> None:
    """Grade your solution of a problem. Exit code 0 when every case passes, 1 when not."""
    s: CommandContext = ctx.obj
    if format not in ("text", "json"):
        fail(s, f"unknown format {format!r} (use text or json)")
    problem = s.problem(slug)
    if file is not None:
        if not os.path.lexists(file):  # a link, a folder or a pipe is graded, as an error that says why
            fail(s, f"file not found: {file}")
        path, shown = file, str(file)
    else:
        path, created = s.workspace.ensure_copy(problem)
        shown = display(path)
        if created and format == "text":
            s.err.print(f"Created {shown} from the stub: write your solution there.", highlight=False)
    from grader.engine import daemon

    # at a terminal, workers come from a daemon kept between checks (the warm path, as in notebooks)
    with daemon.warm_run(RunOptions(platform=platform), interactive=sys.stdout.isatty()) as run:
        options = GradeOptions(run=run, case_seconds=time_limit, max_file_bytes=max_file_bytes)
        try:
            if format == "text" and s.err.is_terminal:
                with s.err.status(f"Grading {problem.slug}…"):
                    result = grade_problem(problem, path, shown, options)
            else:
                result = grade_problem(problem, path, shown, options)
        except GraderError as exc:
            fail(s, f"cannot grade {problem.slug}: {exc}")
    if file is None:
        s.workspace.record_check(problem.slug, result.status.value)
    if format == "json":
        sys.stdout.write(json.dumps(check_object(result)) + "\n")
    else:
        text_report.render_check(result, s.out)
    raise typer.Exit(0 if result.passed else 1)


@COMMANDS("hint")
def hint_command(
    ctx: typer.Context, slug: str = typer.Argument(..., help="The problem you want a hint for.")
) -> None:
    """Show the next hint for a problem (one more each time)."""
    s: CommandContext = ctx.obj
    problem = s.problem(slug)
    found = s.workspace.next_hint(problem)
    if found is None:
        if not problem.hints:
            s.out.print("This problem has no hints.")
        else:
            s.out.print(f"All {len(problem.hints)} hints were shown already:")
            for i, hint in enumerate(problem.hints, 1):
                s.out.print(f"  {i}. {hint}", highlight=False)
        return
    number, hint = found
    s.out.print(f"Hint {number}/{len(problem.hints)}: {hint}", highlight=False)


@COMMANDS("reset")
def reset_command(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The problem whose file to restore."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Restore your workspace file of a problem to the original stub (asks first)."""
    s: CommandContext = ctx.obj
    problem = s.problem(slug)
    path = s.workspace.solution_path(problem)
    if path.exists() and not yes:
        if not sys.stdin.isatty():
            fail(s, "refusing to overwrite your file without confirmation; pass --yes")
        if not typer.confirm(f"Replace {display(path)} with the original stub? Your changes will be lost"):
            s.out.print("Nothing changed.")
            raise typer.Exit(1)
    s.workspace.reset(problem)
    s.out.print(f"Restored {display(path)} from the stub.", highlight=False)


@COMMANDS("watch")
def watch_command(
    ctx: typer.Context,
    slug: str | None = typer.Argument(
        None, help="The problem to open (default: the first one you have not solved)."
    ),
    platform: Platform = "cpu",
    quick: bool = switch(
        "quick", "Show a quick verdict from a worker kept between saves before the one from a fresh process."
    ),
) -> None:
    """Check your file every time you save it; single keys move between problems, show hints and more."""
    s: CommandContext = ctx.obj
    from grader.engine.live import LiveWorker
    from grader.engine.pool import WorkerPool
    from grader.interactive.watch import QuickCheck, WatchError, grader_for, run_watch

    if slug is not None:
        s.problem(slug)
    # each check gets a fresh worker forked from a zygote that has imported JAX; quick verdicts
    # come from one worker kept between saves
    with WorkerPool() as pool, LiveWorker(pool=pool) as live:
        run = RunOptions(platform=platform, workers=pool, spread=free_cores())
        pool.warm(run)
        options = GradeOptions(run=run)
        try:
            code = run_watch(
                s.catalogue.problems,
                s.workspace,
                slug,
                grader_for(options),
                quick=QuickCheck(options, live) if quick else None,
            )
        except (WatchError, LookupError) as exc:
            fail(s, str(exc))
    raise typer.Exit(code)


@COMMANDS("progress")
def progress_command(ctx: typer.Context) -> None:
    """Summarise your progress: problems solved, checks run, hints seen, when each was first solved."""
    s: CommandContext = ctx.obj
    from grader.course.progress import load_progress
    from grader.reporters.progress import render_progress

    render_progress(load_progress(s.catalogue.problems, s.workspace), s.out)


@COMMANDS("solution")
def solution_command(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The problem whose reference solution to show."),
    force: bool = typer.Option(
        False, "--force", help="Show it although you have not passed yet (asks first)."
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --force: do not ask for confirmation."),
) -> None:
    """Show the reference solution of a problem once you have passed it (or earlier with --force)."""
    s: CommandContext = ctx.obj
    from grader.course.progress import SolutionLocked, reference_source
    from grader.reporters.progress import render_solution

    problem = s.problem(slug)
    try:
        source = reference_source(problem, s.workspace)
    except SolutionLocked:
        if not force:
            fail(
                s,
                f"pass {slug} first to see its reference solution (`grader solution {slug} --force` shows it now)",
                1,
            )
        if not yes:
            if not sys.stdin.isatty():
                fail(s, "refusing to reveal the solution without confirmation; pass --yes")
            if not typer.confirm("You have not passed this problem yet. Show the reference solution anyway?"):
                s.out.print("Not shown. Try a hint: `grader hint " + slug + "`.", highlight=False)
                raise typer.Exit(1) from None
        source = reference_source(problem, s.workspace, force=True)
    except LookupError as exc:
        fail(s, str(exc))
    render_solution(problem.slug, source, s.out)
