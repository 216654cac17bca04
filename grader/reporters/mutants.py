"""What ``grader validate --mutants`` prints: a score line per problem, every surviving mutant as
a diff against the reference, equivalent and invalid mutants in a line each, then a summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from grader.authoring.mutants import MutantResult, MutantStatus, MutationReport
from grader.reporters.validation import finding_line

_DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}


def score_line(report: MutationReport, min_score: float) -> Text:
    """``slug: mutation score 92% (12 killed of 13; ...)``, marked when below ``min_score``."""
    line = Text(report.slug, style="bold")
    counts = {status: report.count(status) for status in MutantStatus}
    scorable = counts[MutantStatus.KILLED] + counts[MutantStatus.SURVIVED]
    if report.score is None:
        line.append(
            ": no mutant to score" if not report.errors else ": not analysed",
            style="red" if report.errors else "yellow",
        )
    else:
        line.append(
            f": mutation score {report.score:.0f}%",
            style="green" if report.score >= min_score else "bold red",
        )
        line.append(
            f" ({counts[MutantStatus.KILLED]} killed of {scorable}; "
            f"{counts[MutantStatus.SURVIVED]} survived, {counts[MutantStatus.EQUIVALENT]} equivalent, "
            f"{counts[MutantStatus.INVALID]} invalid)"
        )
        if report.score < min_score:
            line.append(f" · below {min_score:g}%", style="bold red")
    if report.results:
        line.append(f" · {report.seconds:.1f} s", style="dim")
    return line


def render_mutants(reports: list[MutationReport], console: Console, min_score: float) -> None:
    for report in reports:
        console.print(score_line(report, min_score), soft_wrap=True)
        for finding in report.findings:
            console.print(
                Text(f"  {finding_line(finding)}", style="red" if finding.severity == "error" else "dim"),
                soft_wrap=True,
            )
        for result in report.results:
            if result.status is MutantStatus.SURVIVED:
                _render_survivor(result, console)
        for result in report.results:
            if result.status in (MutantStatus.EQUIVALENT, MutantStatus.INVALID):
                console.print(
                    Text(
                        f"  {result.status.value} {result.mutant.id}: {result.mutant.description}: "
                        f"{result.detail}",
                        style="dim",
                    ),
                    soft_wrap=True,
                )
    failing = [r for r in reports if not r.meets(min_score)]
    if any(r.status is MutantStatus.SURVIVED for report in reports for r in report.results):
        console.print(
            Text(
                "For each surviving mutant, add a hidden case where its output differs from the "
                "reference's, or mark it equivalent with the reason in reference/<slug>/mutants.toml "
                "(see AUTHORING.md, Mutation analysis).",
                style="italic",
            ),
            soft_wrap=True,
        )
    summary = f"{len(reports)} problem{'s' if len(reports) != 1 else ''} analysed: "
    summary += (
        f"{len(failing)} below {min_score:g}% or with errors"
        if failing
        else f"all at or above {min_score:g}%"
    )
    console.print(Text(summary, style="bold red" if failing else "bold green"), soft_wrap=True)


def _render_survivor(result: MutantResult, console: Console) -> None:
    console.print(
        Text(f"  survived {result.mutant.id}: {result.mutant.description}", style="yellow"), soft_wrap=True
    )
    for line in result.diff.splitlines():
        style = "bold" if line.startswith(("---", "+++")) else _DIFF_STYLE.get(line[:1], "")
        console.print(Text(f"    {line}", style=style), soft_wrap=True)
