"""The built wheel, installed without -e into a fresh virtual environment, is a working grader.

The wheel is built from a copy of the sources (so no build/ folder of the repository leaks into
it), its dependencies come from the package index, and every command runs from a folder outside
the repository, with the course named by --root: the wheel ships no course of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds a wheel and installs JAX into a new environment

REPO = Path(__file__).resolve().parents[2]
SLUG = "nnx-list-basics"


def run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: int = 900
) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def clean_env(bin_dir: Path, cache: Path) -> dict[str, str]:
    """The environment of a user who installed the wheel: nothing points at this repository."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "GRADER_ROOT", "GRADER_WORKSPACE", "VIRTUAL_ENV", "PYTHONHOME")
    }
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}",
        GRADER_CACHE_DIR=str(cache),
        GRADER_DAEMON="0",
        NO_COLOR="1",
        COLUMNS="200",
    )
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(wheel, bin folder of the new environment, environment variables, a folder outside the repo)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "grader", source / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(source), "-w", str(base / "dist")],
        cwd=base,
        env=dict(os.environ),
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (base / "dist").glob("*.whl")
    venv.EnvBuilder(with_pip=True, clear=True).create(base / "env")
    bin_dir = base / "env" / "bin"
    env = clean_env(bin_dir, base / "cache")
    done = run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        cwd=base,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outside = base / "elsewhere"
    outside.mkdir()
    return wheel, bin_dir, env, outside


def test_wheel_holds_every_module_and_the_course_files(installed):
    wheel = installed[0]
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for p in (REPO / "grader").rglob("*.py")}
    assert modules - names == set()
    data = {
        p.relative_to(REPO).as_posix()
        for p in (REPO / "grader" / "authoring" / "course_files").rglob("*")
        if p.is_file()
    }
    assert data and data - names == set()
    assert not any(n.startswith(("problems/", "reference/", "tests/")) for n in names)


def test_the_installed_grader_is_the_wheel_not_the_checkout(installed):
    _, bin_dir, env, outside = installed
    where = run([str(bin_dir / "python"), "-c", "import grader; print(grader.__file__)"], outside, env)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(bin_dir.parent)


def test_help_list_and_check_from_outside_the_repository(installed):
    _, bin_dir, env, outside = installed
    grader = str(bin_dir / "grader")
    helped = run([grader, "--help"], outside, env)
    assert helped.returncode == 0, helped.stderr
    assert "check" in helped.stdout and "init" in helped.stdout
    listed = run([grader, "--root", str(REPO), "list"], outside, env)
    assert listed.returncode == 0, listed.stderr
    assert SLUG in listed.stdout and "0/20 solved" in listed.stdout
    passed = run(
        [
            grader,
            "--root",
            str(REPO),
            "check",
            SLUG,
            "--file",
            str(REPO / "reference" / SLUG / "solution.py"),
        ],
        outside,
        env,
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "PASSED" in passed.stdout
    stub = run(
        [grader, "--root", str(REPO), "check", SLUG, "--file", str(REPO / "problems" / SLUG / "stub.py")],
        outside,
        env,
    )
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert "NOT IMPLEMENTED" in stub.stdout


def test_without_a_course_it_says_how_to_name_or_make_one(installed):
    _, bin_dir, env, outside = installed
    lost = run([str(bin_dir / "grader"), "list"], outside, env)
    assert lost.returncode == 2
    for way in ("--root", "GRADER_ROOT", "grader init"):
        assert way in lost.stderr, lost.stderr


def test_init_from_the_wheel_makes_a_course_it_can_grade(installed):
    _, bin_dir, env, outside = installed
    grader = str(bin_dir / "grader")
    made = run([grader, "init", "course"], outside, env)
    assert made.returncode == 0, made.stderr
    course = outside / "course"
    assert (course / ".github" / "workflows" / "validate.yml").is_file()  # package data reached the course
    assert list((course / "vendor").glob("jax_flax_grader-*.whl"))
    passed = run([grader, "check", "softmax", "--file", "reference/softmax/solution.py"], course, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    refused = run([grader, "init", "--from-bundled", "copy"], outside, env)
    assert refused.returncode == 2
    assert "--root" in refused.stderr and not (outside / "copy").exists()
