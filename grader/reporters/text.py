"""Human-readable output through rich: verdicts, problem lists, statements."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from grader.course.catalogue import Problem
from grader.engine.wire import ArrayValue
from grader.grading.compare import describe
from grader.grading.feedback import clean_text
from grader.grading.points import format_points
from grader.grading.results import CaseResult, CaseStatus, ErrorInfo, ProblemResult, ProblemStatus

STATUS_STYLE = {
    "passed": ("✓", "green"),
    "failed": ("✗", "red"),
    "error": ("!", "red"),
    "timeout": ("⏱", "yellow"),
    "not_implemented": ("…", "yellow"),
    "not_submitted": ("-", "yellow"),
}
VERDICT = {
    ProblemStatus.PASSED: "PASSED",
    ProblemStatus.FAILED: "FAILED",
    ProblemStatus.ERROR: "ERROR",
    ProblemStatus.TIMEOUT: "TIMED OUT",
    ProblemStatus.NOT_IMPLEMENTED: "NOT IMPLEMENTED",
    ProblemStatus.NOT_SUBMITTED: "NOT SUBMITTED",
}
MAX_DETAILED = 2  # visible cases shown with inputs, expected and received (one per diagnosis)
INDENT = (0, 0, 0, 2)


def render_check(result: ProblemResult, console: Console) -> None:
    symbol, style = STATUS_STYLE[result.status.value]
    verdict = f"{symbol} {VERDICT[result.status]}"
    score = f"{format_points(result.score)}/{format_points(result.max_score)} cases"
    title = result.title
    room = console.width - len(result.slug) - len(verdict) - len(score) - 9
    if len(title) > room:  # the verdict stays on the first line
        title = title[: max(0, room - 1)] + "…"
    head = Text()
    head.append(f"{result.slug}", style="bold")
    head.append(f" · {title}   ")
    head.append(verdict, style=f"bold {style}")
    head.append(f"   {score}")
    console.print(head)
    if result.message:
        console.print(Text(result.message, style=style))
    if result.load_error is not None:
        _render_traceback(result.load_error, console)
        _render_fix(result.load_error.hint, console)
    ran = result.diagnoses or any(c.status is CaseStatus.PASSED for c in result.cases)
    if (
        result.status is not ProblemStatus.NOT_IMPLEMENTED
        and result.load_error is None
        and result.cases
        and (ran or not result.message)
    ):  # when no case could run, the message says why once
        console.print(_case_table(result, console.width))
        _render_diagnoses(result, console)
    if result.notes:
        console.print(Text("Notes (these do not change the verdict):", style="bold"))
        for note in result.notes:
            where = f"  [{note.location}]" if note.location else ""
            console.print(Padding(Text(f"• {note.message}{where}", style="dim"), INDENT))
    if result.stdout.strip() or result.stderr.strip():
        _render_streams(result, console)
    if result.only_visible:
        console.print(
            Text("Only the visible cases were run here; hidden cases are graded elsewhere.", style="italic")
        )
    if result.status is ProblemStatus.PASSED:
        console.print(Text("Well done: every case passed.", style="green"))


def _case_table(result: ProblemResult, width: int) -> Table:
    """One line per case: its status and the diagnosis that explains it (cut to fit ``width``)."""
    told = {cid: n for n, d in enumerate(result.diagnoses, 1) for cid in d.cases}
    status = max(len(c.status.value) for c in result.cases)
    # three gaps of two spaces between the four columns; a very long name gives way first
    labels = [
        _cut(c.id + (" (hidden)" if c.visibility == "hidden" else ""), width - 1 - status - 6 - 8)
        for c in result.cases
    ]
    room = width - 1 - max(map(len, labels)) - status - 6
    table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1))
    table.add_column(width=1, min_width=1, no_wrap=True)
    table.add_column(no_wrap=True, overflow="ellipsis")
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, overflow="ellipsis")
    for c, label in zip(result.cases, labels, strict=True):
        symbol, style = STATUS_STYLE[c.status.value]
        n = told.get(c.id)
        if n:
            why = (
                f"see {n}: {result.diagnoses[n - 1].title}"
                if len(result.diagnoses) > 1
                else result.diagnoses[0].title
            )
        else:
            why = "" if c.status is CaseStatus.PASSED else c.message
        why = _cut(why, room) if room >= 8 else ""  # too narrow: the diagnoses below still tell it
        table.add_row(
            Text(symbol, style=style), label, Text(c.status.value, style=style), Text(why, style="dim")
        )
    return table


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(0, room - 1)] + "…"


def _render_diagnoses(result: ProblemResult, console: Console) -> None:
    cases = {c.id: c for c in result.cases}
    detailed = 0
    for n, d in enumerate(result.diagnoses, 1):
        number = f"{n}. " if len(result.diagnoses) > 1 else ""
        heading = Text(f"{number}{d.title}", style="bold magenta" if d.pitfall else "bold")
        heading.append(f" · {_covers(d.cases, cases, len(result.cases))}", style="bold")
        console.print(heading)
        if d.error is not None:
            _render_traceback(d.error, console)
        elif d.found:
            # a requirement's message says what was needed in its own words
            console.print(Padding(Text(d.found if d.kind == "requirement" else f"Got: {d.found}"), INDENT))
        _render_fix(d.fix, console, "Likely cause" if d.pitfall else "Try")
        example = cases.get(d.example) if d.example else None
        if example is not None and detailed < MAX_DETAILED:
            detailed += 1
            _render_example(example, console)


def _covers(ids: tuple[str, ...], cases: dict[str, CaseResult], total: int) -> str:
    """Which cases a diagnosis covers, in a line: visible ones by name, hidden ones counted."""
    if len(ids) == total > 1:
        return f"all {total} cases"
    shown = [i for i in ids if cases[i].visibility != "hidden"]
    hidden = len(ids) - len(shown)
    parts = shown[:3] + ([f"{len(shown) - 3} more"] if len(shown) > 3 else [])
    if hidden:
        parts.append(f"{hidden} hidden" if shown else f"{hidden} hidden case{'s' if hidden > 1 else ''}")
    listed = ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else parts[0]
    return listed


def _render_fix(fix: str, console: Console, label: str = "Try") -> None:
    if fix:
        console.print(Padding(Text(f"{label}: {fix}", style="cyan"), INDENT))


def _render_example(c: CaseResult, console: Console) -> None:
    lines = [
        f"Visible case {c.id}:",
        "  inputs:   " + ", ".join(f"{k}={_short(v)}" for k, v in (c.inputs or {}).items()),
    ]
    if c.error is None:
        if c.expected is not None:
            lines.append(f"  expected: {_short(c.expected)}")
        lines.append(f"  received: {_short(c.received)}")
    for line in lines:
        console.print(Padding(Text(line), INDENT))


def _render_traceback(err: ErrorInfo, console: Console) -> None:
    if err.not_implemented:
        return
    lines: list[tuple[str, str]] = []
    if err.frames:
        lines.append(("Traceback (your code):", "dim"))
        for f in err.frames:
            lines.append((f"  {f.file}:{f.line}" + (f" in {f.name}" if f.name != "<module>" else ""), "dim"))
            code = f.code.rstrip()
            if code.strip():
                lines.append((f"    {code.strip()}", ""))
                if 0 < f.column <= len(code) + 1:
                    # the caret under the column Python points at, as Python prints it
                    lead = len(code) - len(code.lstrip())
                    lines.append(("    " + " " * max(0, f.column - 1 - lead) + "^", "red"))
    first = err.message.strip().splitlines()[0] if err.message.strip() else ""
    lines.append((f"{err.type}: {first}" if first else err.type, "red"))
    for text, style in lines:
        console.print(Padding(Text(text, style=style), INDENT))


def _render_streams(result: ProblemResult, console: Console) -> None:
    for name, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        lines = text.strip().splitlines()
        if not lines:
            continue
        console.print(Text(f"Your code printed ({name}):", style="bold"))
        for line in lines[:15]:
            console.print(Text(f"  {line}", style="dim"))
        if len(lines) > 15 or result.streams_truncated:
            console.print(Text("  … (cut)", style="dim"))


def _short(value: Any, limit: int = 8) -> str:
    if isinstance(value, ArrayValue):
        value = value.data
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        body = np.array2string(flat[:limit], precision=4, separator=", ", suppress_small=True)
        if flat.size > limit:
            body = body[:-1] + ", …]"
        return (
            f"{body} shape {value.shape} {value.dtype.name}"
            if value.ndim != 1 or flat.size > limit
            else f"{body} {value.dtype.name}"
        )
    if isinstance(value, float):
        return repr(value)
    # what the learner returned may hold type names and dict keys its code chose: escaped
    if isinstance(value, (list, tuple, dict)) or not isinstance(value, (int, str)):
        return clean_text(describe(value))
    return clean_text(repr(value))


# ---------------------------------------------------------------- lists and statements


def render_statement(problem: Problem, console: Console) -> None:
    text = problem.statement_path.read_text(encoding="utf-8")
    console.print(Group(Text(f"{problem.slug} · {problem.difficulty}", style="dim"), Markdown(text)))
    args = ", ".join(a.name for a in problem.args)
    console.print(
        Text(
            f"Write {problem.entry_point}({args}) in your workspace file, then run "
            f"`grader check {problem.slug}`.",
            style="italic",
        )
    )


class Protection(Protocol):
    """A row of ``grader doctor`` (grader.engine.sandbox.Protection, which reporters do not import)."""

    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def detail(self) -> str: ...


def render_protections(found: Sequence[Protection], console: Console) -> None:
    table = Table(title="Protections against untrusted code on this machine", title_justify="left")
    table.add_column("", width=1)
    table.add_column("protection", no_wrap=True)
    table.add_column("detail")
    for p in found:
        table.add_row(Text("✓", style="green") if p.active else Text("✗", style="red"), p.name, p.detail)
    console.print(table)
    missing = [p.name for p in found if not p.active]
    if missing:
        console.print(
            Text(
                f"Not enforced here: {', '.join(missing)}. In CI, run the grader as a separate "
                "user or in a container for these (see SECURITY.md).",
                style="yellow",
            )
        )
