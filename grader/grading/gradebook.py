"""The gradebook of a class: one row per learner, one column per problem, as CSV and JSON.

A gradebook holds no timing and no path, so grading the same class twice, or in shards merged
back with ``merge_gradebooks``, gives the same files byte for byte. Learner names are the labels
of grader/grading/batch.py (printable, the same in both files); in the CSV a cell that a spreadsheet would
take for a formula is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from grader.course.catalogue import Case, Problem
from grader.course.learner_file import write_report
from grader.errors import GraderError
from grader.grading.points import format_points
from grader.grading.submission import SubmissionResult

FORMAT_VERSION = 1
JSON_NAME, CSV_NAME = "gradebook.json", "gradebook.csv"


class GradebookError(GraderError):
    """A gradebook file that cannot be read or merged; the message names the file."""


def build_gradebook(
    problems: list[Problem], submissions: list[SubmissionResult], shard: tuple[int, int] | None = None
) -> dict:
    learners = []
    for sub in sorted(submissions, key=lambda s: s.learner):
        learners.append(
            {
                "learner": sub.learner,
                "score": float(sub.score),
                "max_score": float(sub.max_score),
                "problems": {
                    g.result.slug: {"status": g.result.status.value, "score": float(g.score)}
                    for g in sub.problems
                },
            }
        )
    return {
        "format_version": FORMAT_VERSION,
        "shard": list(shard) if shard else None,
        "problems": [
            {
                "slug": p.slug,
                "weight": float(p.weight),
                "max_score": float(p.weight * sum(c.points for c in _cases(p))),
            }
            for p in problems
        ],
        "learners": learners,
    }


def _cases(problem: Problem) -> list[Case]:
    return [c for c in problem.cases() if problem.has_reference or not c.hidden]


def gradebook_csv(book: dict) -> str:
    slugs = [p["slug"] for p in book["problems"]]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([_cell(text) for text in ("learner", *slugs, "score", "max_score")])
    for row in book["learners"]:
        writer.writerow(
            [
                _cell(row["learner"]),
                *(format_points(row["problems"][s]["score"]) for s in slugs),
                format_points(row["score"]),
                format_points(row["max_score"]),
            ]
        )
    return buf.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _cell(text: object) -> str:
    """Text for a CSV cell that no spreadsheet runs as a formula (OWASP's CSV injection advice)."""
    text = str(text)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_gradebook(book: dict, folder: Path) -> list[Path]:
    """Write ``gradebook.json`` and ``gradebook.csv`` into ``folder``; returns both paths. Each file
    is replaced, never written through (a link or a pipe there is replaced); ``folder`` must not be
    a link. Raises GraderError, naming the path, when a file cannot be written."""
    if folder.is_symlink():
        raise GradebookError(f"{folder}: the gradebook folder is a symbolic link; give a real folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GradebookError(f"cannot create the gradebook folder {folder}: {exc.strerror or exc}") from None
    json_path, csv_path = folder / JSON_NAME, folder / CSV_NAME
    write_report(json_path, json.dumps(book, indent=2, sort_keys=True) + "\n")
    write_report(csv_path, gradebook_csv(book))
    return [json_path, csv_path]


def read_gradebook(path: Path) -> dict:
    """A gradebook JSON file, or the folder holding one."""
    file = path / JSON_NAME if path.is_dir() else path
    try:
        book = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GradebookError(f"{file}: no such file") from None
    except (OSError, ValueError) as exc:
        raise GradebookError(f"{file}: not a gradebook ({exc})") from None
    if not isinstance(book, dict) or book.get("format_version") != FORMAT_VERSION:
        raise GradebookError(f"{file}: not a gradebook of format_version {FORMAT_VERSION}")
    for key in ("problems", "learners"):
        if not isinstance(book.get(key), list):
            raise GradebookError(f"{file}: field {key!r} is missing or not a list")
    book["_file"] = str(file)
    return book


def merge_gradebooks(books: list[dict]) -> dict:
    """One gradebook from shards: same problems in each, no learner twice, and when the files
    say which shard they are, every shard of the set exactly once."""
    if not books:
        raise GradebookError("nothing to merge")
    first = books[0]
    for book in books[1:]:
        if book["problems"] != first["problems"]:
            raise GradebookError(f"{book['_file']} grades other problems (or weights) than {first['_file']}")
    given = [b.get("shard") for b in books]
    if any(given):
        shards = [s for s in given if s]
        if len(shards) < len(given):
            raise GradebookError("some files are shards and some are not; merge the shards of one run")
        counts = {s[1] for s in shards}
        if len(counts) != 1:
            raise GradebookError(f"shards of different splits: {', '.join(f'{k}/{n}' for k, n in shards)}")
        count = counts.pop()
        indices = sorted(s[0] for s in shards)
        if indices != list(range(1, count + 1)):
            missing = sorted(set(range(1, count + 1)) - set(indices))
            twice = sorted({i for i in indices if indices.count(i) > 1})
            what = f"missing shard(s) {', '.join(f'{i}/{count}' for i in missing)}" if missing else ""
            what += ("; " if what and twice else "") + (
                f"shard(s) given twice: {', '.join(map(str, twice))}" if twice else ""
            )
            raise GradebookError(f"the shards do not cover the class: {what}")
    seen: dict[str, str] = {}
    learners = []
    for book in books:
        for row in book["learners"]:
            if row["learner"] in seen:
                raise GradebookError(
                    f"learner {row['learner']!r} is in both {seen[row['learner']]} and {book['_file']}"
                )
            seen[row["learner"]] = book["_file"]
            learners.append(row)
    return {
        "format_version": FORMAT_VERSION,
        "shard": None,
        "problems": first["problems"],
        "learners": sorted(learners, key=lambda r: r["learner"]),
    }
