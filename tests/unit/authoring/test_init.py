"""``grader init``: a new course folder that validates, grades, and whose CI files run here."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from grader.authoring.init import EXAMPLE_SLUG, InitError, course_to_copy, init_course
from grader.course.catalogue import load_cases, load_catalogue, load_pitfalls
from helpers import REPO

BUNDLED = sorted(
    p.name for p in (REPO / "problems").iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
)


def grader(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full = dict(os.environ, COLUMNS="200", NO_COLOR="1", GRADER_DAEMON="0", **env)
    if "GRADER_ROOT" not in env:
        full.pop("GRADER_ROOT", None)
    full["PATH"] = str(Path(sys.executable).parent) + os.pathsep + full.get("PATH", "")
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """One course made by the real command, shared by the tests of this module."""
    base = tmp_path_factory.mktemp("init")
    made = grader("init", "my-course", cwd=base, GRADER_CACHE_DIR=str(base / "cache"))
    assert made.returncode == 0, made.stderr
    assert f"with 1 problem ({EXAMPLE_SLUG})" in made.stdout
    return base / "my-course"


# ---------------------------------------------------------------- the function, no process started


def test_example_course_layout(tmp_path):
    made = init_course(tmp_path / "c")
    assert made.slugs == (EXAMPLE_SLUG,)
    for rel in (
        "README.md",
        ".gitignore",
        "requirements.txt",
        ".github/workflows/validate.yml",
        "ci/README.md",
        "ci/gitlab-grade-class.yml",
        f"problems/{EXAMPLE_SLUG}/statement.md",
        f"problems/{EXAMPLE_SLUG}/stub.py",
        f"problems/{EXAMPLE_SLUG}/cases.toml",
        f"reference/{EXAMPLE_SLUG}/solution.py",
        f"reference/{EXAMPLE_SLUG}/pitfalls.toml",
        f"reference/{EXAMPLE_SLUG}/pitfalls.py",
    ):
        assert (made.folder / rel).is_file(), rel
    ignored = (made.folder / ".gitignore").read_text().split()
    assert "workspace/" in ignored and "__pycache__/" in ignored
    readme = (made.folder / "README.md").read_text()
    assert readme.startswith("# c\n") and "@COURSE@" not in readme
    assert "python -m pip install -r requirements.txt" in readme


def test_the_grader_is_vendored_and_required(tmp_path):
    made = init_course(tmp_path / "c")
    (wheel,) = (made.folder / "vendor").glob("jax_flax_grader-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "grader/authoring/init.py" in names and "grader/authoring/course_files/README.md" in names
    lines = [
        line
        for line in (made.folder / "requirements.txt").read_text().splitlines()
        if not line.startswith("#")
    ]
    assert lines[0] == f"./vendor/{wheel.name}"
    assert any(line.startswith("jax==") for line in lines) and any(
        line.startswith("flax==") for line in lines
    )


def test_example_problem_is_complete(tmp_path):
    made = init_course(tmp_path / "c")
    (problem,) = load_catalogue(made.folder).problems
    cases = load_cases(problem)
    assert {c.visibility for c in cases} == {"visible", "hidden"}
    assert len(problem.hints) >= 2 and problem.summary
    (pitfall,) = load_pitfalls(problem)
    assert pitfall.function and pitfall.message
    texts = [p.read_text() for p in (made.folder / "problems").rglob("*") if p.is_file()]
    texts += [p.read_text() for p in (made.folder / "reference").rglob("*") if p.is_file()]
    assert not any("TODO" in text for text in texts)


def test_ci_files_install_from_vendor_and_run_in_the_course(tmp_path):
    made = init_course(tmp_path / "c")
    flow = yaml.safe_load((made.folder / ".github" / "workflows" / "validate.yml").read_text())
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads a bare `on` as true
    assert "pull_request_target" not in triggers and flow["permissions"] == {"contents": "read"}
    steps = [s.get("run", "") for s in flow["jobs"]["validate"]["steps"]]
    assert steps[-2:] == ["python -m pip install -r requirements.txt", "grader validate"]
    lab = yaml.safe_load((made.folder / "ci" / "gitlab-grade-class.yml").read_text())
    assert lab["default"]["before_script"] == ["python -m pip install -r requirements.txt"]
    assert lab["grade"]["script"][0].startswith("grader grade --many submissions")
    # the course folder holds no package: nothing may install the grader from it
    texts = "".join(p.read_text() for p in made.folder.rglob("*.yml"))
    assert "secrets." not in texts and "-e ." not in texts


def test_from_bundled_copies_every_problem_and_reference(tmp_path):
    made = init_course(tmp_path / "c", copy_from=REPO)
    assert sorted(made.slugs) == BUNDLED and len(BUNDLED) == 20
    for slug in BUNDLED:
        assert (made.folder / "reference" / slug / "solution.py").is_file(), slug
    assert not (made.folder / "problems" / EXAMPLE_SLUG).exists()
    assert not list(made.folder.rglob("__pycache__"))


def test_the_bundled_course_is_named_or_found_next_to_the_package(tmp_path, monkeypatch):
    monkeypatch.delenv("GRADER_ROOT", raising=False)
    assert course_to_copy() == REPO  # this checkout: an editable install
    assert course_to_copy(tmp_path) == tmp_path
    monkeypatch.setenv("GRADER_ROOT", str(tmp_path))
    assert course_to_copy() == tmp_path


@pytest.mark.parametrize("setup", ["file-inside", "is-a-file"])
def test_a_folder_that_is_not_empty_is_refused(tmp_path, setup):
    target = tmp_path / "c"
    if setup == "file-inside":
        target.mkdir()
        (target / "notes.txt").write_text("mine")
    else:
        target.write_text("mine")
    with pytest.raises(InitError, match="choose a new or empty folder"):
        init_course(target)
    assert not (tmp_path / "c" / "problems").exists() if target.is_dir() else target.read_text() == "mine"


def test_an_empty_folder_is_accepted(tmp_path):
    (tmp_path / "c").mkdir()
    assert init_course(tmp_path / "c").slugs == (EXAMPLE_SLUG,)


# ---------------------------------------------------------------- the command, with real workers


@pytest.mark.slow
def test_the_new_course_validates(course):
    done = grader(
        "--root", str(course), "validate", cwd=course.parent, GRADER_CACHE_DIR=str(course.parent / "cache")
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{EXAMPLE_SLUG}: ok" in done.stdout and "0 errors" in done.stdout


@pytest.mark.slow
def test_reference_passes_stub_fails_known_mistake_is_named(course, tmp_path):
    cache = str(course.parent / "cache")
    passed = grader(
        "--root",
        str(course),
        "check",
        EXAMPLE_SLUG,
        "--file",
        str(course / "reference" / EXAMPLE_SLUG / "solution.py"),
        cwd=tmp_path,
        GRADER_CACHE_DIR=cache,
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    stub = grader(
        "check",
        EXAMPLE_SLUG,
        "--file",
        str(course / "problems" / EXAMPLE_SLUG / "stub.py"),
        cwd=tmp_path,
        GRADER_ROOT=str(course),
        GRADER_CACHE_DIR=cache,
    )
    assert stub.returncode == 1 and "NOT IMPLEMENTED" in stub.stdout, stub.stdout + stub.stderr
    naive = tmp_path / "naive.py"
    naive.write_text(
        "import jax.numpy as jnp\n\ndef softmax(x):\n    z = jnp.exp(x)\n    return z / jnp.sum(z)\n"
    )
    failed = grader("check", EXAMPLE_SLUG, "--file", str(naive), cwd=course, GRADER_CACHE_DIR=cache)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "large-scores (hidden)   failed" in failed.stdout and "exp() overflowed" in failed.stdout


@pytest.mark.slow
def test_the_gitlab_pipeline_grades_a_class_here(course, tmp_path):
    lab = yaml.safe_load((course / "ci" / "gitlab-grade-class.yml").read_text())
    (course / "submissions" / "ada").mkdir(parents=True)
    (course / "submissions" / "ada" / f"{EXAMPLE_SLUG}.py").write_text(
        (course / "reference" / EXAMPLE_SLUG / "solution.py").read_text()
    )
    env = dict(
        os.environ,
        CI_NODE_INDEX="1",
        CI_NODE_TOTAL="1",
        NO_COLOR="1",
        GRADER_CACHE_DIR=str(course.parent / "cache"),
    )
    env.pop("GRADER_ROOT", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env["PATH"]
    for command in lab["grade"]["script"] + lab["merge"]["script"]:
        done = subprocess.run(
            ["bash", "-ec", command], cwd=course, env=env, capture_output=True, text=True, timeout=600
        )
        assert done.returncode == 0, command + "\n" + done.stdout + done.stderr
    book = (course / "gradebook" / "gradebook.csv").read_text()
    assert "ada" in book and EXAMPLE_SLUG in book


@pytest.mark.slow
def test_from_bundled_lists_the_twenty_problems(tmp_path):
    made = grader("init", "--from-bundled", "copy", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "with 20 problems." in made.stdout
    listed = grader("list", cwd=tmp_path / "copy")
    assert listed.returncode == 0, listed.stderr
    assert "0/20 solved" in listed.stdout and all(slug in listed.stdout for slug in BUNDLED)


@pytest.mark.slow
def test_a_non_empty_folder_is_refused_by_the_command(course):
    before = sorted(p.relative_to(course) for p in course.rglob("*"))
    refused = grader("init", str(course), cwd=course.parent)
    assert refused.returncode == 2
    assert refused.stderr.startswith("grader: ") and "is not empty" in refused.stderr
    assert sorted(p.relative_to(course) for p in course.rglob("*")) == before


@pytest.mark.slow
def test_root_and_grader_root_reach_the_new_course(course, tmp_path):
    by_option = grader("--root", str(course), "list", cwd=tmp_path)
    by_env = grader("list", cwd=tmp_path, GRADER_ROOT=str(course))
    for done in (by_option, by_env):
        assert done.returncode == 0, done.stderr
        assert EXAMPLE_SLUG in done.stdout and "0/1 solved" in done.stdout
