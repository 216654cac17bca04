"""The ``grader`` command. Each command parses its arguments and calls one function of the
package; the commands live in grader/cli/, one module per audience."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import typer
import typer.core
from rich.console import Console

from grader.cli import ci, instructor, learner
from grader.cli.common import CommandContext, encode_safely, fail
from grader.course.catalogue import find_root, load_catalogue
from grader.course.workspace import Workspace


class _FlagsWithoutType:
    """Help that shows a flag as just its name: it takes no value, so no ``<bool>`` after it."""

    # ctx and formatter: typer's own (vendored) click types
    def format_help(self, ctx: Any, formatter: Any) -> None:
        for param in cast(typer.core.TyperCommand, self).get_params(ctx):  # mixed into a command class
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""  # typer prints the metavar, when there is one, instead of the type
        super().format_help(ctx, formatter)  # type: ignore[misc]  # the command class, next in the MRO


class _Command(_FlagsWithoutType, typer.core.TyperCommand):
    pass


class _Group(_FlagsWithoutType, typer.core.TyperGroup):
    def invoke(self, ctx: Any) -> Any:
        # the group's callback runs before the command reads its own options: note here whether
        # the command line asks for help, which needs no course
        rest = [*ctx._protected_args, *ctx.args][1:]
        ctx.meta[HELP_ASKED] = any(arg in ctx.help_option_names for arg in rest)
        return super().invoke(ctx)


HELP_ASKED = "grader.help-asked"


class _Typer(typer.Typer):
    """Every command of ours renders its help through _Command."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or _Command, **kwargs)


app = _Typer(
    cls=_Group,
    name="grader",
    help="Practise JAX and Flax: read a problem, solve it in your workspace, check it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    root: Path | None = typer.Option(
        None, "--root", help="Course folder holding problems/ (default: found from here, or $GRADER_ROOT)."
    ),
    workspace: Path | None = typer.Option(
        None, "--workspace", help="Folder of your solution files (default: workspace/, or $GRADER_WORKSPACE)."
    ),
) -> None:
    """Practise JAX and Flax: read a problem, solve it in your workspace, check it."""
    encode_safely()
    err = Console(stderr=True)
    if ctx.invoked_subcommand == "init" or ctx.meta.get(HELP_ASKED):
        return  # init makes a course folder, and help needs none: nothing to load
    try:
        course = root.resolve() if root else find_root()
    except LookupError as exc:
        fail(err, str(exc))
    if not (course / "problems").is_dir():
        fail(err, f"{course} has no problems/ folder: it is not a course (`grader init DIR` makes one)")
    ctx.obj = CommandContext(
        root=course,
        catalogue=load_catalogue(course),
        workspace=Workspace.locate(course, workspace),
        out=Console(),
        err=err,
    )


for audience in (learner, instructor, ci):
    audience.COMMANDS.register(app)


def main() -> None:
    app()
