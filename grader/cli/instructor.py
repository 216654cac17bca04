"""The instructor's commands: init, new, validate, export."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from grader.authoring.export import export_student
from grader.authoring.init import course_to_copy, init_course
from grader.authoring.mutants import DEFAULT_MIN_SCORE, analyse_problem
from grader.authoring.scaffold import ScaffoldError, new_problem
from grader.authoring.validate import ValidateOptions, validate_catalogue
from grader.cli.common import CommandContext, Commands, Platform, fail, switch, with_status
from grader.course.catalogue import map_problems
from grader.course.workspace import display
from grader.engine.pool import WorkerPool
from grader.engine.runner import RunOptions, free_cores
from grader.errors import GraderError
from grader.reporters.mutants import render_mutants
from grader.reporters.validation import render_validation

COMMANDS = Commands("For instructors")  # registered in order of definition


@COMMANDS("init")
def init_command(
    ctx: typer.Context,
    folder: Path = typer.Argument(..., help="The course folder to make; it must be new or empty."),
    from_bundled: bool = typer.Option(
        False,
        "--from-bundled",
        help="Copy the problems of this repository's "
        "course (or of the course named by --root) instead of writing the example.",
    ),
) -> None:
    """Make a new course folder: problems/ and reference/, a README for learners, CI files, .gitignore, one example problem."""
    err = Console(stderr=True)
    try:
        source = (
            course_to_copy(ctx.parent.params.get("root") if ctx.parent else None) if from_bundled else None
        )
        course = init_course(folder, source)
    except GraderError as exc:
        fail(err, str(exc))
    out = Console()
    count = len(course.slugs)
    named = f" ({', '.join(course.slugs)})" if count <= 3 else ""
    out.print(
        f"Made the course {display(course.folder)} with {count} problem{'s' if count != 1 else ''}{named}.",
        highlight=False,
    )
    out.print(
        f"Next: `cd {display(course.folder)}`, then `grader validate`; `grader new SLUG` adds a problem.",
        highlight=False,
        markup=False,
    )


@COMMANDS("new")
def new_command(
    ctx: typer.Context,
    slug: str = typer.Argument(..., help="Folder name of the new problem, like 'my-problem'."),
) -> None:
    """Create a new problem (metadata, statement, stub, cases, reference, a pitfall) from templates."""
    s: CommandContext = ctx.obj
    try:
        written = new_problem(s.root, slug)
    except ScaffoldError as exc:
        fail(s, str(exc))
    for path in written:
        s.out.print(f"created {display(path)}", highlight=False)
    s.out.print(f"Replace every TODO placeholder, then run `grader validate {slug}`.", highlight=False)


@COMMANDS("validate")
def validate_command(
    ctx: typer.Context,
    slugs: list[str] | None = typer.Argument(None, help="Problems to check (default: all of them)."),
    static: bool = typer.Option(False, "--static", help="Only read the files; run no code (fast)."),
    platform: Platform = "cpu",
    mutants: bool = typer.Option(
        False,
        "--mutants",
        help="Instead of the usual checks, mutation analysis: run small "
        "mistakes written into the reference on every case, print each problem's score "
        "and every surviving mutant as a diff.",
    ),
    min_score: float = typer.Option(
        DEFAULT_MIN_SCORE,
        "--min-score",
        min=0.0,
        max=100.0,
        help="With --mutants: exit 1 when a problem's mutation score (percent) is below this.",
    ),
) -> None:
    """Check problems for instructors: metadata, signatures, stub, reference, pitfalls, cost. Exit 1 on any error."""
    s: CommandContext = ctx.obj
    if mutants:
        if static:
            fail(s, "--mutants runs code; it cannot be combined with --static")
        _mutation_analysis(s, slugs, platform, min_score)
    # the reference, stub and pitfalls of a problem share warm workers forked from one zygote
    with WorkerPool() as pool:
        run = RunOptions(platform=platform, workers=pool, spread=free_cores())
        options = ValidateOptions(run=run, run_code=not static)
        try:
            reports = with_status(s, "Validating…", validate_catalogue, s.root, slugs, options)
        except LookupError as exc:
            fail(s, str(exc.args[0]))
    render_validation(reports, s.out)
    raise typer.Exit(1 if any(r.errors for r in reports) else 0)


def _mutation_analysis(s: CommandContext, slugs: list[str] | None, platform: str, min_score: float) -> None:
    # the mutants of a problem share warm workers forked from one zygote
    with WorkerPool() as pool:
        options = RunOptions(platform=platform, workers=pool, spread=free_cores())
        try:
            reports = with_status(
                s,
                "Mutation analysis…",
                map_problems,
                lambda root, slug, say: analyse_problem(root, slug, options, say),
                s.root,
                slugs,
            )
        except LookupError as exc:
            fail(s, str(exc.args[0]))
    render_mutants(reports, s.out, min_score)
    raise typer.Exit(0 if all(r.meets(min_score) for r in reports) else 1)


@COMMANDS("export")
def export_command(
    ctx: typer.Context,
    student: Path = typer.Option(..., "--student", help="Folder to write the learner distribution into."),
    force: bool = typer.Option(False, "--force", help="Write into the folder even if it is not empty."),
    platform: Platform = "cpu",
    workflow: bool = switch(
        "workflow", "Write .github/workflows/grade.yml, grading workspace/ on every push."
    ),
) -> None:
    """Write a learner repository: statements, stubs, visible cases and their expected outputs, the grader's wheel, a README and a CI workflow; no reference, no hidden case."""
    s: CommandContext = ctx.obj
    try:
        done = with_status(
            s,
            "Exporting…",
            export_student,
            s.root,
            student,
            force,
            RunOptions(platform=platform),
            workflow=workflow,
        )
    except GraderError as exc:
        fail(s, f"cannot export: {exc}")
    s.out.print(
        f"Wrote {len(done.slugs)} problems ({done.visible_cases} visible cases) to {done.outdir}",
        highlight=False,
    )
    s.out.print("Learners start with the first command of its README.md.", highlight=False)
