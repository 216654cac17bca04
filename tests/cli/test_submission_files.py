"""Only regular files are graded: a link, a folder, a named pipe or a file over the size limit is
refused with status ``error`` and a message saying why, in ``check --file``, the workspace,
``grade DIR`` and ``grade --many``, wherever the link is on the way to the file.

A refused file never runs, so a link to the reference solution cannot pass, and no permission is
ever granted for where a link points (the grader runs private copies of the bytes it read)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.course.learner_file import NotGradable, open_folder, read_file, write_private
from helpers import COURSE, GRADE_COURSE, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

REFERENCE = COURSE / "reference" / "scale-by" / "solution.py"
RIGHT = "def scale_by(x, factor):\n    return x * factor\n"
BIG = len(RIGHT) + (1 << 20)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    """A working folder (like a CI checkout) with every kind of file that is not a submission."""
    d = tmp_path_factory.mktemp("checkout")
    (d / "link.py").symlink_to(REFERENCE)
    (d / "dangling.py").symlink_to(d / "nowhere.py")
    (d / "folder.py").mkdir()
    os.mkfifo(d / "pipe.py")
    (d / "big.py").write_text(RIGHT + "#" * (1 << 20))  # just over the default 1 MiB
    (d / "right.py").write_text(RIGHT)
    (d / "linked-folder").symlink_to(REFERENCE.parent)  # holds solution.py, a regular file
    return d


def check(files: Path, name: str, *extra: str, env: dict | None = None) -> dict:
    result = run_cli(
        "--root",
        str(COURSE),
        "check",
        "scale-by",
        "--file",
        name,
        "--format",
        "json",
        *extra,
        cwd=files,
        env=env,
    )
    assert result.code == 1, result.stderr
    return result.json()


def assert_refused(report: dict, why: str) -> None:
    assert report["status"] == "error" and report["score"] == 0.0
    assert why in report["message"], report["message"]
    assert {c["status"] for c in report["cases"]} == {"error"}


@pytest.mark.parametrize(
    "name,why",
    [
        ("link.py", "link.py is a symbolic link"),
        ("dangling.py", "dangling.py is a symbolic link"),
        ("folder.py", "folder.py is a folder, not a file"),
        ("pipe.py", "pipe.py is a named pipe (FIFO)"),  # refused without being opened: no hang
        ("linked-folder/solution.py", "linked-folder is a symbolic link"),  # a link on the way
        ("big.py", f"big.py is {BIG:,} bytes, more than the 1,048,576 bytes"),
    ],
)
def test_check_file_refuses_what_is_not_a_regular_file(files, name, why):
    assert_refused(check(files, name), why)


def test_the_size_limit_is_configurable_by_option_and_environment(files):
    size = len(RIGHT)
    assert_refused(
        check(files, "right.py", "--max-file-bytes", str(size - 1)),
        f"is {size} bytes, more than the {size - 1} bytes",
    )
    assert_refused(
        check(files, "right.py", env={"GRADER_MAX_SUBMISSION_BYTES": "10"}), "more than the 10 bytes"
    )
    bad = run_cli(
        "--root",
        str(COURSE),
        "check",
        "scale-by",
        "--file",
        "right.py",
        cwd=files,
        env={"GRADER_MAX_SUBMISSION_BYTES": "lots"},
    )
    assert bad.code == 2 and "GRADER_MAX_SUBMISSION_BYTES must be a whole number" in bad.stderr
    assert "--max-file-bytes" in run_cli("check", "--help", cwd=files).stdout


def test_a_workspace_file_that_links_to_the_reference_is_refused(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "scale-by.py").symlink_to(REFERENCE)
    result = run_cli(
        "--root",
        str(COURSE),
        "--workspace",
        str(workspace),
        "check",
        "scale-by",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.code == 1
    assert_refused(result.json(), "is a symbolic link")


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> tuple[Path, dict, str]:
    """One class graded once: an honest learner, and one learner per kind of refused file."""
    work = tmp_path_factory.mktemp("class")
    root = work / "class"
    honest = root / "alice"
    honest.mkdir(parents=True)
    (honest / "scale-by.py").write_text(RIGHT)
    for name in ("bob", "carol", "dave", "erin"):
        (root / name).mkdir()
    (root / "bob" / "scale-by.py").symlink_to(GRADE_COURSE / "reference" / "scale-by" / "solution.py")
    (root / "carol" / "scale-by.py").mkdir()
    os.mkfifo(root / "dave" / "scale-by.py")
    (root / "erin" / "scale-by.py").write_text(RIGHT + "#" * 5000)
    (root / "frank").symlink_to(honest)  # the learner folder itself is a link
    result = run_cli(
        "--root",
        str(GRADE_COURSE),
        "grade",
        "--many",
        "class",
        "--problems",
        "scale-by",
        "--max-file-bytes",
        "4096",
        "--output",
        "book",
        "--min-score",
        "0",
        cwd=work,
        timeout=600,
    )
    assert result.code == 0, result.stderr + result.stdout
    book = json.loads((work / "book" / "gradebook.json").read_text())
    return work, {row["learner"]: row for row in book["learners"]}, result.stdout


def test_grade_many_refuses_links_folders_pipes_and_big_files(klass):
    _, rows, _ = klass
    assert rows["alice"]["problems"]["scale-by"] == {"status": "passed", "score": 3.0}
    for name in ("bob", "carol", "dave", "erin", "frank"):  # frank: a link to alice's folder
        assert rows[name]["problems"]["scale-by"] == {"status": "error", "score": 0.0}, name
        assert rows[name]["score"] == 0.0


def test_grade_dir_says_why_a_file_or_the_folder_is_refused(klass):
    work, _, _ = klass
    expected = {
        "bob": "class/bob/scale-by.py is a symbolic link",
        "frank": "class/frank is a symbolic link",
        "erin": "more than the 4,096 bytes",
    }
    for name, why in expected.items():
        result = run_cli(
            "--root",
            str(GRADE_COURSE),
            "grade",
            f"class/{name}",
            "--problems",
            "scale-by",
            "--max-file-bytes",
            "4096",
            "--format",
            "json",
            cwd=work,
        )
        assert result.code == 1, result.stderr
        problem = result.json()["problems"][0]
        assert problem["status"] == "error" and why in problem["message"], problem["message"]


def test_grade_dir_given_as_a_link_is_refused_and_named_after_the_link(klass):
    work, _, _ = klass
    (work / "submission").symlink_to(work / "class" / "alice")
    result = run_cli("--root", str(GRADE_COURSE), "grade", "submission", "--problems", "scale-by", cwd=work)
    assert result.code == 1
    assert "Grading submission" in result.stdout and "submission is a symbolic link" in result.stdout


# ---------------------------------------------------------------- the reader itself


def test_read_file_reads_through_the_descriptor_it_checked(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    monkeypatch.chdir(tmp_path)
    assert read_file(Path("a.py"), "a.py", 100) == b"x = 1\n"
    with pytest.raises(NotGradable, match="more than the 5 bytes"):
        read_file(Path("a.py"), "a.py", 5)
    with pytest.raises(FileNotFoundError):
        read_file(Path("missing.py"), "missing.py", 100)
    (tmp_path / "sub").mkdir()
    (tmp_path / "via").symlink_to(tmp_path / "sub")
    (tmp_path / "sub" / "b.py").write_text("y = 2\n")
    with pytest.raises(NotGradable, match="via is a symbolic link"):
        read_file(Path("via/b.py"), "via/b.py", 100)
    with pytest.raises(NotGradable, match="is a symbolic link"):
        open_folder(Path("via"), "via")
    fd = open_folder(Path("sub"), "sub")
    try:
        assert read_file("b.py", "sub/b.py", 100, dir_fd=fd) == b"y = 2\n"
    finally:
        os.close(fd)


def test_a_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(tmp_path / "p.py")
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_refusal(tmp_path / "p.py")), daemon=True)
    reader.start()
    reader.join(10)
    assert outcome == ["is a named pipe (FIFO), not a regular file"]


def _refusal(path: Path) -> str:
    try:
        read_file(path, "", 100)
    except NotGradable as exc:
        return str(exc).strip()
    return "read"


def test_a_private_copy_replaces_a_link_instead_of_writing_through_it(tmp_path):
    target = tmp_path / "elsewhere.py"
    target.write_text("untouched\n")
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "scale-by.py").symlink_to(target)
    path = write_private(folder, "scale-by.py", b"copy\n")
    assert not path.is_symlink() and path.read_bytes() == b"copy\n"
    assert target.read_text() == "untouched\n"
    same = os.stat(path).st_ino
    write_private(folder, "scale-by.py", b"again\n")  # a kept worker holds this very file: same inode
    assert os.stat(path).st_ino == same and path.read_bytes() == b"again\n"
    shutil.rmtree(folder)


_KINDS = ("file", "link", "folder", "pipe", "missing", "big")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary(min_size=1, max_size=16).filter(
        lambda b: b"/" not in b and b"\0" not in b and b not in (b".", b"..")
    ),
    st.sampled_from(_KINDS),
    st.binary(max_size=64),
)
def test_read_file_only_ever_returns_the_bytes_of_a_regular_file(tmp_path, name, kind, data):
    folder = tmp_path / "f"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = os.path.join(os.fsencode(folder), name)
    if kind in ("file", "big"):
        with open(path, "wb") as fh:
            fh.write(data + (b"#" * 100 if kind == "big" else b""))
    elif kind == "link":
        os.symlink(REFERENCE, path)
    elif kind == "folder":
        os.mkdir(path)
    elif kind == "pipe":
        os.mkfifo(path)
    try:
        got = read_file(os.fsdecode(path), "shown", 64)
    except FileNotFoundError:
        assert kind == "missing"
    except NotGradable as exc:
        assert kind in ("link", "folder", "pipe", "big") and str(exc).startswith("shown ")
    else:
        assert kind == "file" and got == data
