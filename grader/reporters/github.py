"""GitHub Actions output: workflow annotations at the learner's lines and a markdown summary.

Annotations are workflow commands (``::error file=...,line=...::message``); the summary is
markdown appended to the file named by ``$GITHUB_STEP_SUMMARY``. Hidden cases appear with
their verdict and message only, as in every other format.
"""

# no `from __future__ import annotations`: this module's `annotations` function would shadow it
import re
from collections.abc import Mapping

from grader.grading.points import format_points
from grader.grading.results import CaseStatus, ErrorInfo
from grader.grading.submission import SubmissionResult


def annotations(submission: SubmissionResult) -> list[str]:
    """One ``::error`` line per distinct error raised by learner code, at its deepest own frame."""
    lines, seen = [], set()
    for grade in submission.problems:
        found: list[tuple[str, ErrorInfo]] = []
        if grade.result.load_error is not None:
            found.append(("", grade.result.load_error))
        found += [
            (c.id, c.error) for c in grade.result.cases if c.error is not None and not c.error.not_implemented
        ]
        for case_id, err in found:
            own = [f for f in err.frames if f.file == grade.file]
            line = own[-1].line if own else None
            first = err.message.strip().splitlines()[0] if err.message.strip() else ""
            message = f"{err.type}: {first}" if first else err.type
            if err.hint:
                message += f"\n{err.hint}"
            key = (grade.file, line, message)
            if key in seen:
                continue
            seen.add(key)
            title = f"{grade.result.slug}" + (f" (case {case_id})" if case_id else "")
            props = f"file={_prop(grade.file)}" + (f",line={line}" if line else "") + f",title={_prop(title)}"
            lines.append(f"::error {props}::{_data(message)}")
    return lines


def step_summary(submission: SubmissionResult) -> str:
    out = [
        f"## Grading: {format_points(submission.score)}/{format_points(submission.max_score)} points",
        "",
        "| problem | status | points |",
        "| --- | --- | --- |",
    ]
    for grade in submission.problems:
        out.append(
            f"| `{grade.result.slug}` | {grade.result.status.value} | "
            f"{format_points(grade.score)}/{format_points(grade.max_score)} |"
        )
    problems = [g for g in submission.problems if not g.result.passed]
    if problems:
        out += ["", "### What to look at", ""]
    for grade in problems:
        out.append(
            f"- **{grade.result.slug}**" + (f": {_md(grade.result.message)}" if grade.result.message else "")
        )
        told = {cid for d in grade.result.diagnoses for cid in d.cases}
        for d in grade.result.diagnoses:  # one line per way of failing, with the cases it covers
            hidden_ids = {c.id for c in grade.result.cases if c.visibility == "hidden"}
            ids = ", ".join(f"`{cid}`" + (" (hidden)" if cid in hidden_ids else "") for cid in d.cases)
            fix = f" {'Likely cause' if d.pitfall else 'Try'}: {_md(d.fix)}" if d.fix else ""
            out.append(f"  - {_md(d.title)} ({ids}): {_md(d.found)}.{fix}")
        for case in grade.result.cases:
            if case.status in (CaseStatus.PASSED, CaseStatus.NOT_SUBMITTED) or case.id in told:
                continue
            hidden = " (hidden)" if case.visibility == "hidden" else ""
            out.append(f"  - `{case.id}`{hidden}: {_md(case.full_message)}")
    return "\n".join(out) + "\n"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


# what Markdown acts on inside a line (a line of ours never starts with learner text): code,
# emphasis, links and images, strikethrough, table bars, and the escape itself
_MARKDOWN = re.compile(r"([\\`*_\[\]!|~])")


def _md(text: str) -> str:
    """Text for one line of a Markdown summary, shown as written: HTML is spelled out and every
    character Markdown acts on (links, images, emphasis, headings, table bars) is escaped."""
    text = " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;")
    return _MARKDOWN.sub(r"\\\1", text)


def class_summary(book: dict, met: dict[str, bool]) -> str:
    slugs = [p["slug"] for p in book["problems"]]
    out = [
        f"## Gradebook: {len(book['learners'])} learners, {sum(met.values())} meet the threshold",
        "",
        "| learner | " + " | ".join(f"`{s}`" for s in slugs) + " | total |",
        "| --- |" + " --- |" * (len(slugs) + 1),
    ]
    for row in book["learners"]:
        cells = " | ".join(format_points(row["problems"][s]["score"]) for s in slugs)
        out.append(
            f"| {_md(row['learner'])} | {cells} | {format_points(row['score'])}/{format_points(row['max_score'])} |"
        )
    return "\n".join(out) + "\n"


def in_actions(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def append_summary(markdown: str, environ: Mapping[str, str]) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when the variable names a file (what UTF-8 cannot
    carry, such as a lone surrogate, is written as an escape)."""
    path = environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(markdown)
