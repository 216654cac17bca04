"""``grader export --student``: visible cases and their expected outputs, nothing instructor-only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from helpers import REPO, VALID_COURSE

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

GOOD = VALID_COURSE
HIDDEN_IDS = ("negative-factor", "matrix")


def grader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    env.pop("GRADER_ROOT", None)
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRADER_CACHE_DIR", str(base / "cache"))
        shutil.copytree(GOOD, base / "course")
        result = grader("export", "--student", str(base / "dist"), cwd=base / "course")
        assert result.returncode == 0, result.stderr
        yield base / "dist"


WHEEL = "vendor/jax_flax_grader-0.1.0-py3-none-any.whl"


def test_export_holds_only_learner_files(exported):
    files = sorted(str(p.relative_to(exported)) for p in exported.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/grade.yml",
        ".gitignore",
        "README.md",
        "problems/scale/cases.toml",
        "problems/scale/expected.json",
        "problems/scale/problem.toml",
        "problems/scale/statement.md",
        "problems/scale/stub.py",
        "requirements.txt",
        WHEEL,
        "workspace/scale.py",
    ]
    assert (exported / "workspace/scale.py").read_text() == (GOOD / "problems/scale/stub.py").read_text()


def test_export_has_no_hidden_case_and_no_reference_code(exported):
    texts = [p.read_text() for p in exported.rglob("*") if p.is_file() and p.suffix != ".whl"]
    with zipfile.ZipFile(exported / WHEEL) as wheel:
        # the grader's own files only: nothing of the course rides along in the package
        assert all(n.startswith(("grader/", "jax_flax_grader-0.1.0.dist-info/")) for n in wheel.namelist())
        packed = [wheel.read(n).decode() for n in wheel.namelist()]
    for text in texts + packed:
        assert "negative-factor" not in text  # a hidden case's id ("matrix" is a word the grader uses)
        assert "jnp.asarray(x) * factor" not in text  # the reference's body
        assert "ignores_factor" not in text  # the pitfall's name
    everything = "\n".join(texts)
    for hidden in HIDDEN_IDS:
        assert hidden not in everything
    assert "seed = 1" not in everything and "seed = 2" not in everything  # hidden inputs
    assert "pitfall" not in everything.lower()
    assert list(json.loads((exported / "problems/scale/expected.json").read_text())["outputs"]) == [
        "worked-example"
    ]


def test_requirements_install_the_packed_grader_with_the_versions_used_here(exported):
    lines = [
        line
        for line in (exported / "requirements.txt").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert lines[0] == f"./{WHEEL}"
    pins = dict(line.split(";")[0].split("==") for line in lines[1:])
    assert pins["jax"] == metadata.version("jax") and pins["flax"] == metadata.version("flax")
    with zipfile.ZipFile(exported / WHEEL) as wheel:
        packed = wheel.read("jax_flax_grader-0.1.0.dist-info/METADATA").decode()
        entry_points = wheel.read("jax_flax_grader-0.1.0.dist-info/entry_points.txt").decode()
        assert wheel.read("grader/cli/app.py") == (REPO / "grader/cli/app.py").read_bytes()
    assert (
        "Requires-Dist: jax<0.11,>=0.10.2" in packed and "extra ==" not in packed
    )  # no test tools for learners
    assert "grader = grader.cli.app:main" in entry_points


def test_readme_says_how_to_start_what_is_graded_and_who_grades_hidden_cases(exported):
    readme = (exported / "README.md").read_text()
    assert "python -m pip install -r requirements.txt && grader watch" in readme
    assert "    grader grade workspace\n" in readme
    assert "workspace/SLUG.py" in readme and "hidden" in readme and "instructor" in readme
    assert ".venv/" in (exported / ".gitignore").read_text()
    assert "workspace/.grader-state.json" in (exported / ".gitignore").read_text()


def test_no_workflow_leaves_the_ci_file_out(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(GOOD, course)
    result = grader("export", "--student", str(tmp_path / "dist"), "--no-workflow", cwd=course)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "dist" / ".github").exists()
    assert (tmp_path / "dist" / "requirements.txt").is_file()
    assert ".github/workflows" not in (tmp_path / "dist" / "README.md").read_text()


def test_correct_solution_passes_check_inside_the_export(exported, tmp_path):
    solution = tmp_path / "scale.py"
    solution.write_text("import jax.numpy as jnp\n\n\ndef scale(x, factor):\n    return x * factor\n")
    result = grader("check", "scale", "--file", str(solution), "--format", "json", cwd=exported)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "passed"
    assert [c["id"] for c in report["cases"]] == ["worked-example"]


def test_wrong_solution_fails_inside_the_export(exported, tmp_path):
    solution = tmp_path / "scale.py"
    solution.write_text("def scale(x, factor):\n    return x\n")
    result = grader("check", "scale", "--file", str(solution), cwd=exported)
    assert result.returncode == 1
    assert "hidden cases are graded elsewhere" in result.stdout


def test_export_refuses_a_non_empty_folder_without_force(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(GOOD, course)
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "notes.txt").write_text("mine")
    result = grader("export", "--student", str(tmp_path / "dist"), cwd=course)
    assert result.returncode == 2
    assert "not empty" in result.stderr and "--force" in result.stderr
    assert not (tmp_path / "dist" / "problems").exists()


def test_export_refuses_to_write_over_the_course(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(GOOD, course)
    result = grader("export", "--student", str(course), "--force", cwd=course)
    assert result.returncode == 2
    assert (course / "reference" / "scale" / "solution.py").is_file()


def test_export_again_with_force_keeps_the_learners_files(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(GOOD, course)
    assert grader("export", "--student", str(tmp_path / "dist"), cwd=course).returncode == 0
    (tmp_path / "dist" / "workspace" / "scale.py").write_text(
        "def scale(x, factor):\n    return x * factor\n"
    )
    (tmp_path / "dist" / "vendor" / "jax_flax_grader-0.0.1-py3-none-any.whl").write_text("an older grader")
    result = grader("export", "--student", str(tmp_path / "dist"), "--force", cwd=course)
    assert result.returncode == 0, result.stderr
    assert "return x * factor" in (tmp_path / "dist" / "workspace" / "scale.py").read_text()
    assert [p.name for p in (tmp_path / "dist" / "vendor").iterdir()] == [Path(WHEEL).name]
