"""The ready-made CI files in docs/ci/: valid against the official schemas, safe, and every step
run here. Only a GitHub step that `uses:` a hosted action is left out.

github-grade.yml is the workflow `grader export --student` writes into a learner repository;
tests/package/test_learner_repo.py runs each of its steps there. The GitLab pipeline is run here, line by
line, in an instructor's course repository holding cloned learner repositories.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ci_steps import check_schema, clean_env, explain, load_yaml, run_gitlab_job
from grader.authoring.learner_repo import WORKFLOW

REPO = Path(__file__).resolve().parents[2]
CI = REPO / "docs" / "ci"
COURSE = REPO / "tests" / "courses" / "six-problems"
SOLUTIONS = {
    "scale-by": "def scale_by(x, factor):\n    return x * factor\n",
    "add-one": "def add_one(x):\n    return x + 1.0\n",
    "halve": "def halve(x):\n    return x / 2.0\n",
}


def test_ci_files_validate_against_the_official_schemas():
    github = check_schema("vendor.github-workflows", CI / "github-grade.yml")
    assert github.returncode == 0, github.stdout + github.stderr
    gitlab = check_schema("vendor.gitlab-ci", CI / "gitlab-grade-class.yml")
    assert gitlab.returncode == 0, gitlab.stdout + gitlab.stderr


def test_schema_check_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "grade.yml"
    broken.write_text(WORKFLOW.replace("runs-on:", "runs_on:"))
    assert check_schema("vendor.github-workflows", broken).returncode == 1


def test_documented_github_workflow_is_the_one_the_export_writes():
    # so the steps tests/package/test_learner_repo.py runs in an exported repository are these
    assert (CI / "github-grade.yml").read_text() == WORKFLOW


def test_github_workflow_is_safe():
    flow = load_yaml(CI / "github-grade.yml")
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and "pull_request_target" not in triggers
    assert flow["permissions"] == {"contents": "read"}
    job = flow["jobs"]["grade"]
    assert "permissions" not in job or set(job["permissions"].values()) <= {"read", "none"}
    assert "secrets." not in (CI / "github-grade.yml").read_text()
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["persist-credentials"] is False
    grading = [s["run"] for s in job["steps"] if "grader " in s.get("run", "")]
    assert grading == ["grader grade workspace --format junit --output grade-report.xml"]


def venv_with_dependencies(folder: Path) -> Path:
    """A new virtual environment holding this session's installed packages except the grader
    (hard links: instant, and pip replacing one never touches the original), as a CI image with
    the dependencies cached would; the pipeline's own install line then installs the grader."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=300, env=clean_env())
    source = (
        Path(sys.prefix)
        / "lib"
        / f"python{sys.version_info.major}.{sys.version_info.minor}"
        / "site-packages"
    )
    target = folder / "lib" / source.parent.name / "site-packages"
    for entry in source.iterdir():
        if "jax_flax_grader" in entry.name or (target / entry.name).exists():
            continue
        subprocess.run(["cp", "-al", str(entry), str(target / entry.name)], check=True, timeout=300)
    return folder / "bin"


def learner_repository(folder: Path, files: dict[str, str]) -> None:
    """A learner's repository as cloned by the instructor: their files in workspace/, beside
    their copy of problems/, which grading must not read."""
    (folder / "workspace").mkdir(parents=True)
    for slug, code in files.items():
        (folder / "workspace" / f"{slug}.py").write_text(code)
    (folder / "problems" / "scale-by").mkdir(parents=True)
    (folder / "problems" / "scale-by" / "cases.toml").write_text("format_version = 1\n")  # no case: ignored
    (folder / ".git").mkdir()


@pytest.mark.slow
def test_gitlab_pipeline_runs_every_line_on_learner_repositories(tmp_path):
    pipeline = load_yaml(CI / "gitlab-grade-class.yml")
    assert pipeline["stages"] == ["grade", "merge"]
    assert pipeline["grade"]["parallel"] == 2 and pipeline["merge"]["stage"] == "merge"
    assert "secret" not in json.dumps(pipeline).lower()
    course = tmp_path / "course"  # the instructor's repository: the grader's source and a course
    shutil.copytree(REPO / "grader", course / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, course / name)
    for name in ("problems", "reference"):
        shutil.copytree(COURSE / name, course / name)
    wrong = dict(SOLUTIONS, halve="def halve(x):\n    return x\n")
    learner_repository(course / "submissions" / "ann", SOLUTIONS)
    learner_repository(course / "submissions" / "bob", wrong)
    (course / "submissions" / "cem").mkdir()  # a plain folder of files is read as it is
    (course / "submissions" / "cem" / "scale-by.py").write_text(SOLUTIONS["scale-by"])
    python_bin = venv_with_dependencies(tmp_path / "image")
    env = clean_env(python_bin, GRADER_CACHE_DIR=str(tmp_path / "cache"))
    runs = []
    for index in ("1", "2"):
        runs += run_gitlab_job(pipeline, "grade", course, dict(env, CI_NODE_INDEX=index, CI_NODE_TOTAL="2"))
    runs += run_gitlab_job(pipeline, "merge", course, env)
    assert [r.command for r in runs] == [
        *pipeline["default"]["before_script"],
        *pipeline["grade"]["script"],
    ] * 2 + [*pipeline["default"]["before_script"], *pipeline["merge"]["script"]]
    assert all(r.code == 0 for r in runs), explain(runs)
    with (course / "gradebook" / "gradebook.csv").open() as fh:
        rows = {row["learner"]: row for row in csv.DictReader(fh)}
    assert list(rows) == ["ann", "bob", "cem"]
    book = json.loads((course / "gradebook" / "gradebook.json").read_text())
    maximum = {p["slug"]: p["max_score"] for p in book["problems"]}
    # ann's workspace/ passes every case of her three problems, hidden ones included
    assert float(rows["ann"]["score"]) == sum(maximum[s] for s in SOLUTIONS)
    assert (
        float(rows["bob"]["halve"]) < maximum["halve"] and float(rows["bob"]["add-one"]) == maximum["add-one"]
    )
    assert float(rows["cem"]["score"]) == maximum["scale-by"]
    assert {row["max_score"] for row in rows.values()} == {str(int(sum(maximum.values())))}
    hidden = [
        c
        for c in (COURSE / "problems" / "scale-by" / "cases.toml").read_text().split("[[cases]]")
        if 'visibility = "hidden"' in c
    ]
    assert hidden  # so ann's full marks on scale-by include hidden cases


def test_grade_many_reads_workspace_of_a_learner_repository_but_not_through_a_link(tmp_path):
    from grader.grading.batch import discover_learners

    learner_repository(tmp_path / "ann", SOLUTIONS)
    (tmp_path / "cem").mkdir()
    learner_repository(tmp_path / "_kept" / "dan", SOLUTIONS)
    os.symlink(tmp_path / "_kept" / "dan", tmp_path / "dan")
    found = {learner.name: learner for learner in discover_learners(tmp_path, "subs")}
    assert set(found) == {"ann", "cem", "dan"}
    assert (
        found["ann"].folder == tmp_path / "ann" / "workspace" and found["ann"].shown == "subs/ann/workspace"
    )
    assert found["cem"].folder == tmp_path / "cem" and found["cem"].shown == "subs/cem"
    assert found["dan"].folder == tmp_path / "dan"  # a link is refused whole, never looked through
