"""The ``grader`` command. Each command parses its arguments and calls one function of the
package; the commands live in grader/cli/, one module per audience."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from grader.course.catalogue import find_root, load_catalogue
from grader.cli import ci, instructor, learner
from grader.cli.common import Session, encode_safely, fail
from grader.course.workspace import Workspace

app = typer.Typer(
    name="grader",
    help="Practise JAX and Flax: read a problem, solve it in your workspace, check it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    root: Optional[Path] = typer.Option(None, "--root", help="Course folder holding problems/ (default: found from here, or $GRADER_ROOT)."),
    workspace: Optional[Path] = typer.Option(None, "--workspace", help="Folder of your solution files (default: workspace/, or $GRADER_WORKSPACE)."),
) -> None:
    """Practise JAX and Flax: read a problem, solve it in your workspace, check it."""
    encode_safely()
    err = Console(stderr=True)
    try:
        course = root.resolve() if root else find_root()
    except LookupError as exc:
        fail(err, str(exc))
    if not (course / "problems").is_dir():
        fail(err, f"{course} has no problems/ folder")
    ctx.obj = Session(root=course, catalogue=load_catalogue(course),
                      workspace=Workspace.locate(course, workspace), out=Console(), err=err)


for audience in (learner, instructor, ci):
    audience.register(app)


def main() -> None:
    app()
