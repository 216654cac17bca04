"""Terminal output of ``grader grade``: one submission's verdicts, or a class's gradebook."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from grader.grading.points import format_points
from grader.grading.submission import SubmissionResult, Threshold
from grader.reporters.text import STATUS_STYLE


def render_submission(submission: SubmissionResult, threshold: Threshold, console: Console) -> None:
    # learner names and messages are Text, never markup: a folder named "[/]" must not break the table
    table = Table(title=Text(f"Grading {submission.learner}"), title_justify="left")
    table.add_column("problem", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    for grade in submission.problems:
        symbol, style = STATUS_STYLE[grade.result.status.value]
        table.add_row(
            grade.result.slug,
            Text(f"{symbol} {grade.result.status.value}", style=style),
            f"{format_points(grade.score)}/{format_points(grade.max_score)}",
        )
    console.print(table)
    for grade in submission.problems:
        result = grade.result
        if result.passed:
            continue
        console.print(Text(f"{result.slug}", style="bold"))
        if result.message:
            console.print(Text(f"  {result.message}"))
        if result.load_error is not None and result.load_error.hint:
            console.print(Text(f"    Try: {result.load_error.hint}", style="cyan"))
        for d in result.diagnoses:
            cases = {c.id: c for c in result.cases}
            hidden = sum(1 for cid in d.cases if cases[cid].visibility == "hidden")
            shown = [cid for cid in d.cases if cases[cid].visibility != "hidden"]
            covers = ", ".join(shown + ([f"{hidden} hidden"] if hidden else []))
            # an error's message starts with its type, and its place is shown after it
            line = Text(
                f"  {d.found} ({covers})" if d.kind == "error" else f"  {d.title} ({covers}): {d.found}"
            )
            if d.error is not None and d.error.frames:
                where = d.error.frames[-1]
                line.append(f"  [{where.file}:{where.line}]", style="dim")
            console.print(line)
            if d.fix:
                console.print(
                    Text(f"    {'Likely cause' if d.kind == 'pitfall' else 'Try'}: {d.fix}", style="cyan")
                )
    _total(submission.score, submission.max_score, threshold.met(submission), threshold, console)


def render_class(
    book: dict, met: dict[str, bool], threshold: Threshold, console: Console, written: list | None = None
) -> None:
    slugs = [p["slug"] for p in book["problems"]]
    table = Table(title=f"Gradebook: {len(book['learners'])} learners", title_justify="left")
    table.add_column("learner", no_wrap=True)
    for slug in slugs:
        table.add_column(slug, justify="right")
    table.add_column("total", justify="right", no_wrap=True)
    for row in book["learners"]:
        total = Text(
            f"{format_points(row['score'])}/{format_points(row['max_score'])}",
            style="green" if met.get(row["learner"]) else "red",
        )
        table.add_row(
            Text(row["learner"]), *(format_points(row["problems"][s]["score"]) for s in slugs), total
        )
    console.print(table)
    below = sum(1 for ok in met.values() if not ok)
    console.print(
        Text(f"{len(met) - below} of {len(met)} learners meet the threshold ({threshold.describe()}).")
    )
    for path in written or []:
        console.print(Text(f"Wrote {path}"), highlight=False)


def _total(score: float, max_score: float, met: bool, threshold: Threshold, console: Console) -> None:
    verdict = Text("threshold met" if met else "threshold not met", style="green" if met else "red")
    console.print(
        Text(f"Total: {format_points(score)}/{format_points(max_score)} points · ")
        + verdict
        + Text(f" ({threshold.describe()})")
    )
