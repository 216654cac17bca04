
"""The ready-made CI files in docs/ci/: parsed, checked for safety, and their commands run here."""

from __future__ import annotations

import pytest

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from junitparser import JUnitXml


pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")
from conftest import FIXTURES, REPO

CI = REPO / "docs" / "ci"
COURSE = FIXTURES / "grade" / "course"
SOLUTIONS = {"scale-by": "def scale_by(x, factor):\n    return x * factor\n",
             "add-one": "def add_one(x):\n    return x + 1.0\n",
             "halve": "def halve(x):\n    return x / 2.0\n"}


def run_step(command: str, cwd: Path, **env) -> subprocess.CompletedProcess:
    """Run a CI step's shell command with the grader of this test session on the PATH."""
    full = dict(os.environ, GRADER_ROOT=str(COURSE), NO_COLOR="1", **env)
    full["PATH"] = str(Path(sys.executable).parent) + os.pathsep + full.get("PATH", "")
    return subprocess.run(["bash", "-ec", command], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=300)


def test_github_workflow_is_safe_for_pull_requests():
    flow = yaml.safe_load((CI / "github-grade.yml").read_text())
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and "pull_request_target" not in triggers
    assert flow["permissions"] == {"contents": "read"}
    job = flow["jobs"]["grade"]
    assert "permissions" not in job or set(job["permissions"].values()) <= {"read", "none"}
    assert "secrets." not in (CI / "github-grade.yml").read_text()
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False


def test_github_workflow_commands_run_here(tmp_path):
    flow = yaml.safe_load((CI / "github-grade.yml").read_text())
    commands = [s["run"] for s in flow["jobs"]["grade"]["steps"] if "grader " in s.get("run", "")]
    assert commands
    (tmp_path / "submission").mkdir()
    for slug, code in SOLUTIONS.items():
        (tmp_path / "submission" / f"{slug}.py").write_text(code)
    summary = tmp_path / "summary.md"
    for command in commands:
        done = run_step(command, tmp_path, GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
        assert done.returncode == 0, done.stderr + done.stdout  # 12 of 21 points clears 50%
    report = JUnitXml.fromfile(str(tmp_path / "grade-report.xml"))
    assert sum(s.tests for s in report) == 12
    assert summary.read_text().startswith("## Grading: 12/21 points")


def test_gitlab_pipeline_shards_and_merges_here(tmp_path):
    pipeline = yaml.safe_load((CI / "gitlab-grade-class.yml").read_text())
    assert pipeline["stages"] == ["grade", "merge"]
    grade, merge = pipeline["grade"], pipeline["merge"]
    assert grade["parallel"] == 2 and merge["stage"] == "merge"
    assert "secrets" not in (CI / "gitlab-grade-class.yml").read_text().lower().replace("no job needs a secret", "")
    for name in ("ann", "bob", "cem"):
        (tmp_path / "submissions" / name).mkdir(parents=True)
        (tmp_path / "submissions" / name / "scale-by.py").write_text(SOLUTIONS["scale-by"])
    for index in (1, 2):
        for command in grade["script"]:
            done = run_step(command, tmp_path, CI_NODE_INDEX=str(index), CI_NODE_TOTAL="2")
            assert done.returncode == 0, done.stderr + done.stdout
    for command in merge["script"]:
        done = run_step(command, tmp_path)
        assert done.returncode == 0, done.stderr + done.stdout
    book = json.loads((tmp_path / "gradebook" / "gradebook.json").read_text())
    assert [row["learner"] for row in book["learners"]] == ["ann", "bob", "cem"]
    assert all(row["score"] == 3.0 and row["max_score"] == 21.0 for row in book["learners"])
