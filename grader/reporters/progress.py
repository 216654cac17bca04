"""Human-readable progress and the revealed reference solution."""

from __future__ import annotations

from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from grader.course.progress import Progress
from grader.reporters.text import STATUS_STYLE


def render_progress(progress: Progress, console: Console) -> None:
    table = Table(title="Progress", title_justify="left")
    table.add_column("slug", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("attempts", justify="right")
    table.add_column("hints", justify="right")
    table.add_column("first solved", no_wrap=True)
    for p in progress.problems:
        status = "passed" if p.solved and p.status != "passed" else p.status
        symbol, style = STATUS_STYLE.get(status, ("·", "dim"))
        table.add_row(p.slug, Text(f"{symbol} {status}", style=style), str(p.attempts),
                      f"{p.hints_shown}/{p.hints_total}", (p.first_solved or "").replace("T", " "))
    console.print(table)
    console.print(Text(f"{progress.solved}/{progress.total} solved, {progress.attempts} checks in all.",
                       style="bold"))
    upcoming = progress.first_unsolved()
    if upcoming is None:
        console.print(Text("Every problem is solved. Well done!", style="green"))
    else:
        console.print(f"Next: {upcoming.slug} · {upcoming.title} (`grader watch {upcoming.slug}`)",
                      highlight=False, markup=False)


def render_solution(slug: str, source: str, console: Console) -> None:
    console.print(Text(f"Reference solution of {slug}:", style="bold"))
    console.print(Syntax(source, "python", theme="ansi_dark", line_numbers=False, word_wrap=True))
