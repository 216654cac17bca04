"""One screen of ``grader watch``, rendered from the watch loop's state to fit the terminal."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.text import Text

from grader.interactive.watch_loop import KEYS, WatchLoop
from grader.reporters import text as text_report
from grader.reporters.progress import render_problem_list, status_text

SMALL_HEIGHT = 10  # below this, only the essentials: which problem, its status, the keys
SMALL_WIDTH = 50


def render_screen(loop: WatchLoop, width: int, height: int, color: bool = True) -> str:
    """The whole screen as text (with ANSI styles when ``color``), at most ``height`` lines."""
    width, height = max(width, 10), max(height, 3)
    small = height < SMALL_HEIGHT or width < SMALL_WIDTH
    head = _lines(lambda c: _header(loop, c, small), width, color)
    foot = _lines(lambda c: _footer(loop, c, small), width, color)
    room = height - len(head) - len(foot)
    if room < 1:  # very small: the footer matters most, then the title
        return "\n".join((head[:1] + foot)[-height:])
    body = _lines(lambda c: _body(loop, c), width, color)
    if len(body) > room:
        hint = "… more below: make the window taller" if loop.view == "verdict" else "… (cut to fit)"
        body = body[: room - 1] + [_lines(lambda c: c.print(Text(hint, style="dim")), width, color)[0]]
    return "\n".join(head + body + foot)


def _lines(draw, width: int, color: bool) -> list[str]:
    buffer = StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
    )
    draw(console)
    return buffer.getvalue().rstrip("\n").split("\n") if buffer.getvalue() else []


def _header(loop: WatchLoop, console: Console, small: bool) -> None:
    problem = loop.problem
    progress = loop.progress()
    title = Text()
    title.append(f"{problem.slug}", style="bold")
    title.append(f" · {problem.title}")
    title.append("  ")
    title.append(status_text(progress.get(problem.slug)))
    console.print(title, no_wrap=True, overflow="ellipsis")
    if small:
        return
    if problem.summary:
        console.print(Text(problem.summary, style="italic"))
    console.print(_progress_bar(progress.solved, progress.total, min(30, console.width // 3)))
    watching = "saves are checked" if loop.watching else "starting to watch for saves…"
    console.print(
        Text(
            f"Edit {loop.path} · {watching} · problem {loop.index + 1} of {len(loop.problems)}", style="dim"
        ),
        overflow="fold",
    )
    console.rule(style="dim")


def _progress_bar(solved: int, total: int, cells: int) -> Text:
    filled = round(cells * solved / total) if total else 0
    bar = Text()
    bar.append("━" * filled, style="green")
    bar.append("━" * (cells - filled), style="dim")
    bar.append(f" {solved}/{total} solved")
    return bar


def _body(loop: WatchLoop, console: Console) -> None:
    if loop.view == "statement":
        text_report.render_statement(loop.problem, console)
        return
    if loop.view == "list":
        render_problem_list(loop.progress(), {}, console)
        return
    if loop.result is not None and loop.result.slug == loop.problem.slug:
        text_report.render_check(loop.result, console)
    for i, hint in enumerate(loop.hints, 1):
        console.print(Text(f"Hint {i}/{len(loop.problem.hints)}: {hint}", style="cyan"))


def _footer(loop: WatchLoop, console: Console, small: bool) -> None:
    if loop.view == "confirm-reset":
        console.print(
            Text(
                f"Replace {loop.path.name} with the original stub? Your changes will be lost. [y/N]",
                style="bold yellow",
            )
        )
        return
    status = loop.message
    if loop.running is not None:
        checking = f"Checking {loop.running.problem.slug}…" + (
            " (a newer save is waiting)" if loop.queued else ""
        )
        # what a key just did stays in view while a check runs (every move starts one)
        told = status if status and not status.startswith("Checking") else ""
        status = f"{checking} · {told}" if told else checking
    if status:
        style = "bold green" if status.startswith("Solved") else "yellow"
        console.print(Text(status, style=style), no_wrap=small, overflow="ellipsis")
    keys, used = Text(), 0
    for key, label in KEYS:
        entry = f" {label}  " if not small else " "
        if used and used + len(key) + len(entry.rstrip()) > console.width:  # never split "k label"
            keys.append("\n")
            used = 0
        keys.append(key, style="bold reverse")
        keys.append(entry)
        used += len(key) + len(entry)
    console.print(keys, no_wrap=True, overflow="crop")
