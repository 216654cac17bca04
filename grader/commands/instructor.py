"""The instructor's commands: new, validate, export."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from grader.commands.common import Session, fail
from grader.export import ExportError, export_student
from grader.reporters.validation import render_validation
from grader.runner import RunOptions
from grader.scaffold import ScaffoldError, new_problem
from grader.schema import MetadataError
from grader.trusted import GraderError
from grader.workspace import display
from grader.validate import ValidateOptions, validate_catalogue


def new_command(ctx: typer.Context, slug: str = typer.Argument(..., help="Folder name of the new problem, like 'my-problem'.")) -> None:
    """Create a new problem (metadata, statement, stub, cases, reference, a pitfall) from templates."""
    s: Session = ctx.obj
    try:
        written = new_problem(s.root, slug)
    except ScaffoldError as exc:
        fail(s, str(exc))
    for path in written:
        s.out.print(f"created {display(path)}", highlight=False)
    s.out.print(f"Replace every TODO placeholder, then run `grader validate {slug}`.", highlight=False)


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


def register(app: typer.Typer) -> None:
    for name, command in (("new", new_command), ("validate", validate_command), ("export", export_command)):
        app.command(name, rich_help_panel="For instructors")(command)
