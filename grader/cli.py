"""The ``grader`` command. Each command parses its arguments and calls one function of the package."""

from __future__ import annotations

import json
import sys
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
    options = GradeOptions(run=RunOptions(platform=platform), case_seconds=time_limit)
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


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main() -> None:
    app()
