"""Reports and gradebooks are written by replacing the file at the path, never through it: a
learner's link there is replaced (its target untouched), a named pipe is replaced (the grader
does not wait on it), a folder is refused with a message. ``grade --many`` refuses a gradebook
folder inside the class folder, where every name is a learner's."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from grader.course.learner_file import ReportNotWritten, write_report
from grader.errors import GraderError
from grader.grading.gradebook import CSV_NAME, JSON_NAME, write_gradebook
from helpers import GRADE_COURSE, MIXED, run_cli

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
BOOK = {"format_version": 1, "shard": None, "problems": [], "learners": []}


def _victim(tmp_path: Path) -> Path:
    victim = tmp_path / "victim.txt"
    victim.write_text("the victim's own text\n")
    return victim


def _regular_with(path: Path, text: str) -> None:
    assert stat.S_ISREG(os.lstat(path).st_mode), f"{path} is not a regular file"
    assert text in path.read_text()


def test_a_link_at_the_path_is_replaced_not_followed(tmp_path):
    victim = _victim(tmp_path)
    report = tmp_path / "report.xml"
    report.symlink_to(victim)
    write_report(report, "<report/>\n")
    assert victim.read_text() == "the victim's own text\n"
    _regular_with(report, "<report/>")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_a_folder_at_the_path_is_refused_by_name(tmp_path):
    (tmp_path / "report.xml").mkdir()
    with pytest.raises(ReportNotWritten, match="report.xml: it is a folder"):
        write_report(tmp_path / "report.xml", "text")
    assert list((tmp_path / "report.xml").iterdir()) == []


def test_a_linked_folder_on_a_relative_path_is_not_followed(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "reports").symlink_to(elsewhere)
    monkeypatch.chdir(checkout)
    with pytest.raises(ReportNotWritten, match="reports is a symbolic link"):
        write_report(Path("reports/report.xml"), "text")
    assert list(elsewhere.iterdir()) == []


def test_the_gradebook_replaces_links_and_refuses_folders(tmp_path):
    victim = _victim(tmp_path)
    book = tmp_path / "book"
    book.mkdir()
    (book / CSV_NAME).symlink_to(victim)
    write_gradebook(BOOK, book)
    assert victim.read_text() == "the victim's own text\n"
    _regular_with(book / CSV_NAME, "learner")
    _regular_with(book / JSON_NAME, '"format_version": 1')

    (book / JSON_NAME).unlink()
    (book / JSON_NAME).mkdir()
    with pytest.raises(GraderError, match=JSON_NAME):
        write_gradebook(BOOK, book)

    linked = tmp_path / "linked-book"
    linked.symlink_to(book)
    with pytest.raises(GraderError, match="symbolic link"):
        write_gradebook(BOOK, linked)


# the CLI, with workers: a CI checkout holding the learner's file and whatever they put beside it


def _checkout(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copyfile(MIXED / "scale-by.py", checkout / "scale-by.py")
    return checkout


def _grade_checkout(checkout: Path, output: str = "report.xml"):
    return run_cli(
        "--root",
        str(GRADE_COURSE),
        "grade",
        ".",
        "--problems",
        "scale-by",
        "--format",
        "junit",
        "--output",
        output,
        cwd=checkout,
        timeout=120,  # a report written into a pipe would wait for a reader forever
    )


@pytest.mark.slow
def test_grade_replaces_a_learners_link_at_the_report_path(tmp_path):
    victim = _victim(tmp_path)
    checkout = _checkout(tmp_path)
    (checkout / "report.xml").symlink_to(victim)
    result = _grade_checkout(checkout)
    assert result.code in (0, 1), result.stderr
    assert victim.read_text() == "the victim's own text\n"
    _regular_with(checkout / "report.xml", "<testsuites")


@pytest.mark.slow
@needs_fifo
def test_grade_does_not_wait_on_a_learners_pipe_at_the_report_path(tmp_path):
    checkout = _checkout(tmp_path)
    os.mkfifo(checkout / "report.xml")
    result = _grade_checkout(checkout)  # raises TimeoutExpired when it hangs
    assert result.code in (0, 1), result.stderr
    _regular_with(checkout / "report.xml", "<testsuites")


@pytest.mark.slow
def test_grade_refuses_a_folder_at_the_report_path(tmp_path):
    checkout = _checkout(tmp_path)
    (checkout / "report.xml").mkdir()
    result = _grade_checkout(checkout)
    assert result.code == 2, result.stdout + result.stderr
    assert "report.xml: it is a folder" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def _class(tmp_path: Path) -> Path:
    root = tmp_path / "class"
    (root / "alice").mkdir(parents=True)
    shutil.copyfile(MIXED / "scale-by.py", root / "alice" / "scale-by.py")
    return root


def _listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        (),  # the default, gradebook/, in the working folder: the class folder
        ("--output", "."),
        ("--output", "alice/../book"),
    ],
)
def test_grade_many_refuses_a_gradebook_folder_inside_the_class(tmp_path, args):
    root = _class(tmp_path)
    before = _listing(root)
    result = run_cli(
        "--root", str(GRADE_COURSE), "grade", "--many", ".", "--problems", "scale-by", *args, cwd=root
    )
    assert result.code == 2, result.stdout + result.stderr
    assert "inside the class folder" in result.stderr
    shown = args[1] if args else "gradebook"
    assert f"gradebook folder {shown} " in result.stderr and "class folder ." in result.stderr
    assert "Traceback" not in result.stderr
    assert _listing(root) == before


@pytest.mark.slow
def test_grade_many_refuses_a_linked_gradebook_folder(tmp_path):
    _class(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "book").symlink_to(elsewhere)
    result = run_cli(
        "--root", str(GRADE_COURSE), "grade", "--many", "class", "--output", "book", cwd=tmp_path
    )
    assert result.code == 2, result.stdout + result.stderr
    assert "gradebook folder book is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []
