"""The ``grader`` command. Each command parses its arguments and calls one function of the package."""

from __future__ import annotations

import json
import os
import sys
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader.catalogue import Catalogue, Problem, find_root, load_catalogue
from grader.export import ExportError, export_student
from grader.grading import GradeOptions, grade_problem
from grader.reporters import text as text_report
from grader.reporters.json_report import check_object
from grader.reporters.validation import render_validation
from grader.runner import RunOptions
from grader.scaffold import ScaffoldError, new_problem
from grader.schema import MetadataError
from grader.trusted import GraderError
from grader.validate import ValidateOptions, validate_catalogue
from grader.workspace import Workspace

EXIT_USAGE = 2

app = typer.Typer(
    name="grader",
    help="Practise JAX and Flax: read a problem, solve it in your workspace, check it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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


@app.callback()
def main_options(
    ctx: typer.Context,
    root: Optional[Path] = typer.Option(None, "--root", help="Course folder holding problems/ (default: found from here, or $GRADER_ROOT)."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Folder of your solution files (default: workspace/, or $GRADER_WORKSPACE)."),
) -> None:
    """Practise JAX and Flax: read a problem, solve it in your workspace, check it."""
    err = Console(stderr=True)
    try:
        course = root.resolve() if root else find_root()
    except LookupError as exc:
        fail(err, str(exc))
    if not (course / "problems").is_dir():
        fail(err, f"{course} has no problems/ folder")
    ctx.obj = Session(root=course, catalogue=load_catalogue(course),
                      workspace=Workspace.locate(course, workspace), out=Console(), err=err)


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """List the problems in track order with your status."""
    s: Session = ctx.obj
    state = s.workspace.load_state()["problems"]
    statuses = {slug: entry.get("status") for slug, entry in state.items() if isinstance(entry, dict)}
    text_report.render_list(s.catalogue.problems, statuses, s.catalogue.broken, s.out)


@app.command("show")
def show_command(ctx: typer.Context, slug: str = typer.Argument(..., help="The problem to show.")) -> None:
    """Show a problem's statement."""
    s: Session = ctx.obj
    text_report.render_statement(s.problem(slug), s.out)


def _cores() -> int:
    """Workers one check may spread its cases over: two where two cores are free to us."""
    return min(2, len(os.sched_getaffinity(0)))


@app.command("check")
def check_command(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The problem to check."),
    file: Optional[Path] = typer.Option(None, "--file", help="Grade this file instead of your workspace copy."),
    format: str = typer.Option("text", "--format", help="Output format: text or json."),
    platform: str = typer.Option("cpu", "--platform", help="JAX platform for running code (cpu keeps verdicts reproducible)."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.1, help="Seconds allowed per case (default: the problem's own limit)."),
) -> None:
    """Grade your solution of a problem. Exit code 0 when every case passes, 1 when not."""
    s: Session = ctx.obj
    if format not in ("text", "json"):
        fail(s, f"unknown format {format!r} (use text or json)")
    problem = s.problem(slug)
    if file is not None:
        if not file.is_file():
            fail(s, f"file not found: {file}")
        path, display = file, str(file)
    else:
        path, created = s.workspace.ensure_copy(problem)
        display = _display(path)
        if created and format == "text":
            s.err.print(f"Created {display} from the stub: write your solution there.", highlight=False)
    from grader import daemon

    # at a terminal, workers come from a daemon kept between checks (see grader/daemon.py)
    with (daemon.DaemonPool() if daemon.enabled(sys.stdout.isatty()) else nullcontext()) as pool:
        # forked workers start in milliseconds: spread the cases over the free cores
        spread = _cores() if pool is not None else 1
        options = GradeOptions(run=RunOptions(platform=platform, pool=pool, spread=spread), case_seconds=time_limit)
        try:
            if format == "text" and s.err.is_terminal:
                with s.err.status(f"Grading {problem.slug}…"):
                    result = grade_problem(problem, path, display, options)
            else:
                result = grade_problem(problem, path, display, options)
        except (GraderError, MetadataError) as exc:
            fail(s, f"cannot grade {problem.slug}: {exc}")
    if file is None:
        s.workspace.record_check(problem.slug, result.status.value)
    if format == "json":
        sys.stdout.write(json.dumps(check_object(result)) + "\n")
    else:
        text_report.render_check(result, s.out)
    raise typer.Exit(0 if result.passed else 1)


@app.command("hint")
def hint_command(ctx: typer.Context, slug: str = typer.Argument(..., help="The problem you want a hint for.")) -> None:
    """Show the next hint for a problem (one more each time)."""
    s: Session = ctx.obj
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


@app.command("reset")
def reset_command(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The problem whose file to restore."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Restore your workspace file of a problem to the original stub (asks first)."""
    s: Session = ctx.obj
    problem = s.problem(slug)
    path = s.workspace.solution_path(problem)
    if path.exists() and not yes:
        if not sys.stdin.isatty():
            fail(s, "refusing to overwrite your file without confirmation; pass --yes")
        if not typer.confirm(f"Replace {_display(path)} with the original stub? Your changes will be lost"):
            s.out.print("Nothing changed.")
            raise typer.Exit(1)
    s.workspace.reset(problem)
    s.out.print(f"Restored {_display(path)} from the stub.", highlight=False)


@app.command("new")
def new_command(ctx: typer.Context, slug: str = typer.Argument(..., help="Folder name of the new problem, like 'my-problem'.")) -> None:
    """Create a new problem (metadata, statement, stub, cases, reference, a pitfall) from templates."""
    s: Session = ctx.obj
    try:
        written = new_problem(s.root, slug)
    except ScaffoldError as exc:
        fail(s, str(exc))
    for path in written:
        s.out.print(f"created {_display(path)}", highlight=False)
    s.out.print(f"Replace every TODO placeholder, then run `grader validate {slug}`.", highlight=False)


@app.command("validate")
def validate_command(
    ctx: typer.Context,
    slugs: Optional[list[str]] = typer.Argument(None, help="Problems to check (default: all of them)."),
    static: bool = typer.Option(False, "--static", help="Only read the files; run no code (fast)."),
    platform: str = typer.Option("cpu", "--platform", help="JAX platform for running the stub, reference and pitfalls."),
) -> None:
    """Check problems for instructors: metadata, signatures, stub, reference, pitfalls, cost. Exit 1 on any error."""
    s: Session = ctx.obj
    options = ValidateOptions(run=RunOptions(platform=platform), run_code=not static)
    try:
        if s.err.is_terminal:
            with s.err.status("Validating…") as status:
                reports = validate_catalogue(s.root, slugs, options, progress=status.update)
        else:
            reports = validate_catalogue(s.root, slugs, options)
    except LookupError as exc:
        fail(s, str(exc.args[0]))
    render_validation(reports, s.out)
    raise typer.Exit(1 if any(r.errors for r in reports) else 0)


@app.command("export")
def export_command(
    ctx: typer.Context,
    student: Path = typer.Option(..., "--student", help="Folder to write the learner distribution into."),
    force: bool = typer.Option(False, "--force", help="Write into the folder even if it is not empty."),
    platform: str = typer.Option("cpu", "--platform", help="JAX platform for computing expected outputs."),
) -> None:
    """Write a learner distribution: statements, stubs, visible cases and their expected outputs; no reference, no hidden case."""
    s: Session = ctx.obj
    try:
        if s.err.is_terminal:
            with s.err.status("Exporting…") as status:
                done = export_student(s.root, student, force, RunOptions(platform=platform), progress=status.update)
        else:
            done = export_student(s.root, student, force, RunOptions(platform=platform))
    except (ExportError, GraderError, MetadataError) as exc:
        fail(s, f"cannot export: {exc}")
    s.out.print(f"Wrote {len(done.slugs)} problems ({done.visible_cases} visible cases) to {done.outdir}", highlight=False)


@app.command("doctor")
def doctor_command(ctx: typer.Context) -> None:
    """List the protections against untrusted code that are active on this machine."""
    s: Session = ctx.obj
    from grader.sandbox import protections
    from grader.trusted import cache_dir

    from grader import daemon

    found = protections([str(s.root / "reference"), str(cache_dir())])
    text_report.render_protections(found, s.out)
    folder = daemon.folder_for(RunOptions())
    use = "yes" if daemon.enabled(sys.stdout.isatty()) else "no"
    running = "running" if (folder / "sock").exists() else "not running"
    s.out.print(f"Check daemon (workers forked from a process kept between checks): used here: {use} "
                f"(GRADER_DAEMON={os.environ.get('GRADER_DAEMON', '')!s}); {running}; {folder}", highlight=False)


@app.command("watch")
def watch_command(
    ctx: typer.Context,
    slug: Optional[str] = typer.Argument(None, help="The problem to open (default: the first one you have not solved)."),
    platform: str = typer.Option("cpu", "--platform", help="JAX platform for running code (cpu keeps verdicts reproducible)."),
    quick: bool = typer.Option(True, "--quick/--no-quick",
                               help="Show a quick verdict from a worker kept between saves before the one from a fresh process."),
) -> None:
    """Check your file every time you save it; single keys move between problems, show hints and more."""
    s: Session = ctx.obj
    from grader.live import LiveWorker
    from grader.pool import WorkerPool
    from grader.watch import QuickCheck, WatchError, grader_for, run_watch

    if slug is not None:
        s.problem(slug)
    # each check gets a fresh worker forked from a zygote that has imported JAX; quick verdicts
    # come from one worker kept between saves
    with WorkerPool() as pool, LiveWorker(pool=pool) as live:
        run = RunOptions(platform=platform, pool=pool, spread=_cores())
        pool.warm(run)
        options = GradeOptions(run=run)
        try:
            code = run_watch(s.catalogue.problems, s.workspace, slug, grader_for(options),
                             quick=QuickCheck(options, live) if quick else None)
        except (WatchError, LookupError) as exc:
            fail(s, str(exc))
    raise typer.Exit(code)


@app.command("progress")
def progress_command(ctx: typer.Context) -> None:
    """Summarise your progress: problems solved, checks run, hints seen, when each was first solved."""
    s: Session = ctx.obj
    from grader.progress import load_progress
    from grader.reporters.progress import render_progress

    render_progress(load_progress(s.catalogue.problems, s.workspace), s.out)


@app.command("solution")
def solution_command(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="The problem whose reference solution to show."),
    force: bool = typer.Option(False, "--force", help="Show it although you have not passed yet (asks first)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="With --force: do not ask for confirmation."),
) -> None:
    """Show the reference solution of a problem once you have passed it (or earlier with --force)."""
    s: Session = ctx.obj
    from grader.progress import SolutionLocked, reference_source
    from grader.reporters.progress import render_solution

    problem = s.problem(slug)
    try:
        source = reference_source(problem, s.workspace)
    except SolutionLocked:
        if not force:
            fail(s, f"pass {slug} first to see its reference solution (`grader solution {slug} --force` shows it now)", 1)
        if not yes:
            if not sys.stdin.isatty():
                fail(s, "refusing to reveal the solution without confirmation; pass --yes")
            if not typer.confirm("You have not passed this problem yet. Show the reference solution anyway?"):
                s.out.print("Not shown. Try a hint: `grader hint " + slug + "`.", highlight=False)
                raise typer.Exit(1)
        source = reference_source(problem, s.workspace, force=True)
    except LookupError as exc:
        fail(s, str(exc))
    render_solution(problem.slug, source, s.out)


@app.command("grade")
def grade_command(
    ctx: typer.Context,
    folder: Optional[Path] = typer.Argument(None, help="Submission folder holding <slug>.py files."),
    many: Optional[Path] = typer.Option(None, "--many", help="Grade every ROOT/<learner>/ folder and write a gradebook."),
    problems: Optional[str] = typer.Option(None, "--problems", help="Comma-separated problems to grade (default: all)."),
    format: str = typer.Option("text", "--format", help="text, json, junit or gradescope (text only with --many)."),
    output: Optional[Path] = typer.Option(None, "--output", help="Write the report to this file; with --many, the gradebook folder (default: gradebook)."),
    min_score: Optional[str] = typer.Option(None, "--min-score", help="Points (7.5) or share (80%) needed for exit code 0 (default: every problem passed)."),
    jobs: int = typer.Option(1, "--jobs", min=1, help="Learners graded at once (each in worker processes of their own)."),
    shard: Optional[str] = typer.Option(None, "--shard", help="K/N: with --many, grade only the K-th of N slices of the class."),
    hidden_visibility: str = typer.Option("after_published", "--hidden-visibility", help="Gradescope visibility of hidden cases: hidden, after_due_date, after_published or visible."),
    platform: str = typer.Option("cpu", "--platform", help="JAX platform for running code (cpu keeps verdicts reproducible)."),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", min=0.1, help="Seconds allowed per case (default: each problem's own limit)."),
) -> None:
    """Grade a submission folder (or a class with --many) with points, for CI. Exit 0 when the threshold is met, 1 when not."""
    import os

    from grader import batch
    from grader.reporters import github
    from grader.reporters.formats import FORMATS
    from grader.reporters.gradescope import VISIBILITIES
    from grader.submission import parse_threshold

    s: Session = ctx.obj
    if (folder is None) == (many is None):
        fail(s, "give either a submission folder or --many ROOT")
    if format not in FORMATS or (many is not None and format != "text"):
        fail(s, f"unknown format {format!r} (use {', '.join(FORMATS)})" if format not in FORMATS
             else "--many writes a gradebook (CSV and JSON); --format applies to one submission")
    if shard is not None and many is None:
        fail(s, "--shard slices a class: use it with --many")
    if hidden_visibility not in VISIBILITIES:
        fail(s, f"--hidden-visibility must be one of {', '.join(VISIBILITIES)}")
    target = many if many is not None else folder
    if not target.is_dir():
        fail(s, f"not a folder: {target}")
    try:
        threshold = parse_threshold(min_score)
        slice_ = batch.parse_shard(shard) if shard else None
        selected = batch.select_problems(s.catalogue, [p.strip() for p in problems.split(",") if p.strip()] if problems else None)
    except (ValueError, LookupError) as exc:
        fail(s, str(exc.args[0]))
    except MetadataError as exc:
        fail(s, f"a problem is broken: {exc.findings[0]} (run `grader validate`)")
    options = batch.BatchOptions(GradeOptions(run=RunOptions(platform=platform), case_seconds=time_limit), jobs)
    learners = (batch.discover_learners(target, str(target)) if many is not None
                else [batch.Learner(target.resolve().name, target, str(target))])
    if slice_:
        learners = batch.select_shard(learners, *slice_)
    try:
        with _grading_progress(s.err, len(learners) * len(selected)) as progress:
            graded = batch.grade_learners(selected, learners, options, progress)
    except (GraderError, MetadataError) as exc:
        fail(s, f"cannot grade: {exc}")
    met = {sub.learner: threshold.met(sub) for sub in graded}
    if many is not None:
        from grader.gradebook import build_gradebook, write_gradebook
        from grader.reporters.grade_text import render_class

        book = build_gradebook(selected, graded, slice_)
        written = write_gradebook(book, output or Path("gradebook"))
        render_class(book, met, threshold, s.out, [_display(p) for p in written])
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


def _write_submission(s: Session, submission, format: str, output: Optional[Path], threshold, visibility: str) -> None:
    from grader.reporters.formats import render_machine
    from grader.reporters.grade_text import render_submission

    try:
        if format == "text":
            if output is None:
                render_submission(submission, threshold, s.out)
                return
            with output.open("w", encoding="utf-8") as fh:
                render_submission(submission, threshold, Console(file=fh, width=100, color_system=None))
            return
        text = render_machine(submission, format, threshold, visibility)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(s, f"cannot write {output}: {exc.strerror or exc}")


class _grading_progress:
    """A rich progress bar on a terminal (stderr); no output otherwise."""

    def __init__(self, console: Console, total: int):
        self.console, self.total, self.bar = console, total, None

    def __enter__(self):
        if not self.console.is_terminal or self.total <= 1:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.bar = Progress(TextColumn("Grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            console=self.console, transient=True)
        self.bar.start()
        task = self.bar.add_task("grading", total=self.total)
        return lambda done, total: self.bar.update(task, completed=done, total=total)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


@app.command("merge")
def merge_command(
    ctx: typer.Context,
    gradebooks: list[Path] = typer.Argument(..., help="gradebook.json files (or folders holding one) written by `grade --many --shard`."),
    output: Path = typer.Option(Path("gradebook"), "--output", help="Folder to write the merged gradebook.csv and gradebook.json into."),
) -> None:
    """Merge the gradebooks of shards into one gradebook (CSV and JSON)."""
    from grader.gradebook import GradebookError, merge_gradebooks, read_gradebook, write_gradebook

    s: Session = ctx.obj
    try:
        merged = merge_gradebooks([read_gradebook(p) for p in gradebooks])
        written = write_gradebook(merged, output)
    except GradebookError as exc:
        fail(s, str(exc))
    except OSError as exc:
        fail(s, f"cannot write {output}: {exc.strerror or exc}")
    s.out.print(f"Merged {len(gradebooks)} gradebooks ({len(merged['learners'])} learners) into "
                + ", ".join(_display(p) for p in written), highlight=False)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main() -> None:
    app()
