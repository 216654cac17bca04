"""``grader export --student``: visible cases and their expected outputs, nothing instructor-only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

GOOD = Path(__file__).resolve().parent / "fixtures" / "broken" / "course"
HIDDEN_IDS = ("negative-factor", "matrix")


def grader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    env.pop("GRADER_ROOT", None)
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    base = tmp_path_factory.mktemp("export")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GRADER_CACHE_DIR", str(base / "cache"))
        shutil.copytree(GOOD, base / "course")
        result = grader("export", "--student", str(base / "dist"), cwd=base / "course")
        assert result.returncode == 0, result.stderr
        yield base / "dist"


def test_export_holds_only_learner_files(exported):
    files = sorted(str(p.relative_to(exported)) for p in exported.rglob("*") if p.is_file())
    assert files == ["README.md", "problems/scale/cases.toml", "problems/scale/expected.json",
                     "problems/scale/problem.toml", "problems/scale/statement.md", "problems/scale/stub.py"]


def test_export_has_no_hidden_case_and_no_reference_code(exported):
    everything = "\n".join(p.read_text() for p in exported.rglob("*") if p.is_file())
    for hidden in HIDDEN_IDS:
        assert hidden not in everything
    assert "seed = 1" not in everything and "seed = 2" not in everything  # hidden inputs
    assert "jnp.asarray(x) * factor" not in everything  # the reference's body
    assert "ignores_factor" not in everything and "pitfall" not in everything.lower()
    assert list(json.loads((exported / "problems/scale/expected.json").read_text())["outputs"]) == ["worked-example"]


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
