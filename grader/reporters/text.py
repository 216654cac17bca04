"""Human-readable output through rich: verdicts, problem lists, statements."""

from __future__ import annotations

import numpy as np
from rich.console import Console, Group
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from grader.course.catalogue import Problem
from grader.grading.compare import describe
from grader.grading.results import CaseResult, CaseStatus, ProblemResult, ProblemStatus
from grader.engine.wire import ArrayValue

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
MAX_DETAILED = 2  # visible failing cases shown with inputs, expected and received


def render_check(result: ProblemResult, console: Console) -> None:
    symbol, style = STATUS_STYLE[result.status.value]
    head = Text()
    head.append(f"{result.slug}", style="bold")
    head.append(f" · {result.title}   ")
    head.append(f"{symbol} {VERDICT[result.status]}", style=f"bold {style}")
    head.append(f"   {_num(result.score)}/{_num(result.max_score)} cases")
    console.print(head)
    if result.message:
        console.print(Text(result.message, style=style))
    if result.load_error is not None:
        _render_traceback(result.load_error, console)
    if result.status is not ProblemStatus.NOT_IMPLEMENTED and result.load_error is None and result.cases:
        console.print(_case_table(result.cases))
        _render_pitfalls(result.cases, console)
        _render_details(result.cases, console)
    if result.notes:
        console.print(Text("Notes (these do not change the verdict):", style="bold"))
        for note in result.notes:
            where = f"  [{note.location}]" if note.location else ""
            console.print(Text(f"  • {note.message}{where}", style="dim"))
    if result.stdout.strip() or result.stderr.strip():
        _render_streams(result, console)
    if result.only_visible:
        console.print(Text("Only the visible cases were run here; hidden cases are graded elsewhere.",
                           style="italic"))
    if result.status is ProblemStatus.PASSED:
        console.print(Text("Well done: every case passed.", style="green"))


def _case_table(cases: list[CaseResult]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 1))
    table.add_column(width=1, no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    previous = None
    for c in cases:
        symbol, style = STATUS_STYLE[c.status.value]
        label = c.id + (" (hidden)" if c.visibility == "hidden" else "")
        message = "" if c.status is CaseStatus.PASSED else c.message
        if message and message == previous:
            shown = Text("same as above", style="dim")
        else:
            shown = Text(message)
        previous = message or None
        table.add_row(Text(symbol, style=style), label, Text(c.status.value, style=style), shown)
    return table


def _render_pitfalls(cases: list[CaseResult], console: Console) -> None:
    seen: dict[str, list[str]] = {}
    messages = {}
    for c in cases:
        if c.pitfall:
            seen.setdefault(c.pitfall, []).append(c.id)
            messages[c.pitfall] = c.pitfall_message
    for pid, ids in seen.items():
        console.print(Text(f"Known mistake ({len(ids)} case{'s' if len(ids) > 1 else ''}): {messages[pid]}",
                           style="magenta"))


def _render_details(cases: list[CaseResult], console: Console) -> None:
    shown_errors: set[tuple[str, str]] = set()
    detailed = 0
    for c in cases:
        if c.status is CaseStatus.PASSED:
            continue
        if c.error is not None and (c.error.type, c.error.message) not in shown_errors:
            shown_errors.add((c.error.type, c.error.message))
            console.print(Text(f"Case {c.id}:", style="bold"))
            _render_traceback(c.error, console)
        if c.visibility == "visible" and c.inputs is not None and detailed < MAX_DETAILED:
            detailed += 1
            console.print(Text(f"Visible case {c.id}:", style="bold"))
            args = ", ".join(f"{k}={_short(v)}" for k, v in c.inputs.items())
            console.print(Text(f"  inputs:   {args}"))
            if c.expected is not None:
                console.print(Text(f"  expected: {_short(c.expected)}"))
            if c.received is not None:
                console.print(Text(f"  received: {_short(c.received)}"))


def _render_traceback(err, console: Console) -> None:
    if err.not_implemented:
        return
    if err.frames:
        console.print(Text("  Traceback (your code):", style="dim"))
        for f in err.frames:
            console.print(Text(f"    {f.file}:{f.line} in {f.name}", style="dim"))
            if f.code:
                console.print(Text(f"      {f.code.strip()}"))
    first = err.message.strip().splitlines()[0] if err.message.strip() else ""
    console.print(Text(f"  {err.type}: {first}", style="red"))
    if err.hint:
        console.print(Text(f"  Hint: {err.hint}", style="cyan"))


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


def _short(value, limit: int = 8) -> str:
    if isinstance(value, ArrayValue):
        value = value.data
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        body = np.array2string(flat[:limit], precision=4, separator=", ", suppress_small=True)
        if flat.size > limit:
            body = body[:-1] + ", …]"
        return f"{body} shape {value.shape} {value.dtype.name}" if value.ndim != 1 or flat.size > limit \
            else f"{body} {value.dtype.name}"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple, dict)) or not isinstance(value, (int, str)):
        return describe(value)
    return repr(value)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


# ---------------------------------------------------------------- lists and statements

def render_statement(problem: Problem, console: Console) -> None:
    text = problem.statement_path.read_text(encoding="utf-8")
    console.print(Group(Text(f"{problem.slug} · {problem.difficulty}", style="dim"), Markdown(text)))
    args = ", ".join(a.name for a in problem.args)
    console.print(Text(f"Write {problem.entry_point}({args}) in your workspace file, then run "
                       f"`grader check {problem.slug}`.", style="italic"))


def render_protections(found, console: Console) -> None:
    table = Table(title="Protections against untrusted code on this machine", title_justify="left")
    table.add_column("", width=1)
    table.add_column("protection", no_wrap=True)
    table.add_column("detail")
    for p in found:
        table.add_row(Text("✓", style="green") if p.active else Text("✗", style="red"), p.name, p.detail)
    console.print(table)
    missing = [p.name for p in found if not p.active]
    if missing:
        console.print(Text(f"Not enforced here: {', '.join(missing)}. In CI, run the grader as a separate "
                           "user or in a container for these (see SECURITY.md).", style="yellow"))
