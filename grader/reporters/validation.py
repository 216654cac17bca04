"""What ``grader validate`` prints: one line per finding, a cost line per problem, a summary."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from grader.authoring.validate import ProblemReport
from grader.course.schema import Finding


def finding_line(finding: Finding) -> str:
    """``file: field: message``; a note says so before its message."""
    where = f"{finding.file}: {finding.field}" if finding.field else finding.file
    marker = "note: " if finding.severity == "note" else ""
    return f"{where}: {marker}{finding.message}"


def render_validation(reports: list[ProblemReport], console: Console) -> None:
    errors = notes = 0
    for report in reports:
        head = Text(report.slug, style="bold")
        verdict = (
            f"{len(report.errors)} error{'s' if len(report.errors) != 1 else ''}" if report.errors else "ok"
        )
        head.append(f": {verdict}", style="red" if report.errors else "green")
        if report.cost is not None:
            head.append(f" · cost: {report.cost}")
        console.print(head, soft_wrap=True)
        for finding in report.findings:
            style = "dim" if finding.severity == "note" else ""
            console.print(Text(f"  {finding_line(finding)}", style=style), soft_wrap=True)
        errors += len(report.errors)
        notes += len(report.findings) - len(report.errors)
    summary = (
        f"{len(reports)} problem{'s' if len(reports) != 1 else ''} checked: "
        f"{errors} error{'s' if errors != 1 else ''}, {notes} note{'s' if notes != 1 else ''}"
    )
    console.print(Text(summary, style="bold red" if errors else "bold green"), soft_wrap=True)
