"""Run the steps of a documented CI file here, as written: GitHub Actions jobs and GitLab CI jobs.

Only what needs a hosted service is left out: a GitHub step that ``uses:`` an action (checkout,
setup-python, upload-artifact) is skipped, and the caller stands in for it (a clone, a Python on
the PATH). Every ``run:`` and ``script:`` line runs in bash, with the variables the service sets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

DEV_BIN = str(Path(sys.executable).parent)  # this test session's venv: never on a learner's PATH


@dataclass
class StepRun:
    name: str
    command: str
    code: int | None  # None: skipped (a `uses:` action, or a step after a failure)
    stdout: str = ""
    stderr: str = ""


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def clean_env(python_bin: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a fresh shell: this session's venv off the PATH (``python_bin`` first
    on it instead), no variable of the grader's own, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GRADER_", "PYTEST_", "VIRTUAL_ENV")) and k != "PYTHONPATH"
    }
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != DEV_BIN]
    if python_bin is not None:
        path.insert(0, str(python_bin))
    env["PATH"] = os.pathsep.join(path)
    env.update(NO_COLOR="1", COLUMNS="120")
    env.update(extra)
    return env


def run_github_job(
    flow: dict, job: str, workspace: Path, env: dict[str, str], timeout: float = 900
) -> list[StepRun]:
    """Every step of ``flow``'s ``job`` in order, as a runner would: a ``run:`` step in
    ``bash -e``, skipped after a failure unless its ``if:`` says ``always()``."""
    runner_temp = workspace.parent / f"{workspace.name}-runner"
    runner_temp.mkdir(exist_ok=True)
    files = {name: runner_temp / name.lower() for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_PATH")}
    for path in files.values():
        path.touch()
    base = dict(
        env,
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(workspace),
        RUNNER_TEMP=str(runner_temp),
        GITHUB_STEP_SUMMARY=str(runner_temp / "summary.md"),
        **{k: str(v) for k, v in files.items()},
    )
    base.update({k: str(v) for k, v in (flow.get("env") or {}).items()})
    base.update({k: str(v) for k, v in (flow["jobs"][job].get("env") or {}).items()})
    runs, failed = [], False
    for step in flow["jobs"][job]["steps"]:
        name = step.get("name") or step.get("uses") or step.get("run", "")
        always = "always()" in str(step.get("if", ""))
        if "uses" in step or (failed and not always):
            runs.append(StepRun(name, step.get("run", ""), None))
            continue
        assert "shell" not in step and "working-directory" not in step, f"{name}: not modelled here"
        script = runner_temp / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(
            ["bash", "-e", str(script)],
            cwd=workspace,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=dict(base, **{k: str(v) for k, v in (step.get("env") or {}).items()}),
        )
        runs.append(StepRun(name, step["run"], done.returncode, done.stdout, done.stderr))
        failed = failed or done.returncode != 0
    return runs


def run_gitlab_job(
    pipeline: dict, job: str, workspace: Path, env: dict[str, str], timeout: float = 900
) -> list[StepRun]:
    """The ``before_script`` (the job's, else the default's) and ``script`` lines of ``job``,
    each in ``bash -e``, stopping at the first that fails, as a GitLab runner does."""
    spec = pipeline[job]
    before = spec.get("before_script", (pipeline.get("default") or {}).get("before_script", []))
    base = dict(env, CI="true", GITLAB_CI="true", CI_PROJECT_DIR=str(workspace))
    base.update({k: str(v) for k, v in (pipeline.get("variables") or {}).items()})
    base.update({k: str(v) for k, v in (spec.get("variables") or {}).items()})
    runs = []
    for line in [*before, *spec["script"]]:
        done = subprocess.run(
            ["bash", "-ec", line], cwd=workspace, capture_output=True, text=True, timeout=timeout, env=base
        )
        runs.append(StepRun(line, line, done.returncode, done.stdout, done.stderr))
        if done.returncode != 0:
            break
    return runs


def explain(runs: list[StepRun]) -> str:
    """What each step printed, for an assertion message."""
    return "\n".join(f"--- {r.name} (exit {r.code})\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}" for r in runs)


def check_schema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with one of the schemas it ships (``vendor.github-workflows``, ``vendor.gitlab-ci``)."""
    tool = shutil.which("check-jsonschema", path=DEV_BIN) or "check-jsonschema"
    return subprocess.run(
        [tool, "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True, timeout=120
    )
