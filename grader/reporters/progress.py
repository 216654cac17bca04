"""The learner's standing, as text: the problem list, the progress summary, the status beside a
problem's title in watch, and the revealed reference solution.

All of them show a problem's status through ``status_text``, from the one computed in
grader/course/progress.py."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from grader.course.progress import SOLVED, ProblemProgress, Progress
from grader.reporters.text import STATUS_STYLE


def status_text(problem: ProblemProgress, separator: str = " ") -> Text:
    """ "✓ solved", "✓ solved (latest: failed)", "✗ failed", "· not started", …; ``separator``
    goes between the status and the latest check's status when they differ."""
    key = "passed" if problem.status == SOLVED else problem.status
    symbol, style = STATUS_STYLE.get(key, ("·", "dim"))
    text = Text(f"{symbol} {_words(problem.status)}", style=style)
    if problem.latest_differs:
        text.append(f"{separator}(latest: {_words(problem.latest or '')})", style="dim")
    return text


def solved_line(progress: Progress) -> str:
    return f"{progress.solved}/{progress.total} solved"


def render_problem_list(progress: Progress, broken: dict, console: Console) -> None:
    """The problems in track order with their status; ``broken`` maps a slug to why it cannot load."""
    table = Table(title="Problems", title_justify="left")
    # at 80 columns a long slug leaves little room: the title and the status wrap, the slug never
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("slug", no_wrap=True)
    table.add_column("title", min_width=12)
    table.add_column("difficulty", no_wrap=True)
    table.add_column("status", min_width=13)
    for p in progress.problems:
        table.add_row(str(p.position), p.slug, p.title, p.difficulty, status_text(p, "\n  "))
    console.print(table)
    console.print(solved_line(progress), highlight=False)
    for slug, findings in broken.items():
        console.print(Text(f"{slug}: cannot be loaded ({findings[0]}); run `grader validate`", style="red"))


def render_progress(progress: Progress, console: Console) -> None:
    table = Table(title="Progress", title_justify="left")
    table.add_column("slug", no_wrap=True)
    table.add_column("status", min_width=13)
    table.add_column("checks", justify="right", no_wrap=True)
    table.add_column("hints", justify="right", no_wrap=True)
    table.add_column("first solved", min_width=10)
    for p in progress.problems:
        table.add_row(
            p.slug,
            status_text(p, "\n  "),
            str(p.attempts),
            f"{p.hints_shown}/{p.hints_total}",
            _when(p.first_solved),
        )
    console.print(table)
    console.print(Text(f"{solved_line(progress)}, {progress.attempts} checks in all.", style="bold"))
    upcoming = progress.first_unsolved()
    if upcoming is None:
        console.print(Text("Every problem is solved. Well done!", style="green"))
    else:
        console.print(
            f"Next: {upcoming.slug} · {upcoming.title} (`grader watch {upcoming.slug}`)",
            highlight=False,
            markup=False,
        )


def render_solution(slug: str, source: str, console: Console) -> None:
    """The reference source, line for line: never wrapped at the terminal's width, so a line
    copied from it is the line of the file (a wide line runs past the edge instead)."""
    console.print(Text(f"Reference solution of {slug}:", style="bold"), soft_wrap=True)
    code = (
        Syntax(source, "python", theme="ansi_dark").highlight(source) if console.is_terminal else Text(source)
    )
    code.rstrip()
    console.print(code, soft_wrap=True)


def _when(stamp: str | None) -> str:
    """An ISO time stamp as local date and minute."""
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def _words(status: str) -> str:
    return status.replace("_", " ")  # "not_implemented" reads "not implemented"
