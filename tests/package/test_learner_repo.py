"""The learner repository `grader export --student` makes, used exactly as its README and its
workflow say: the bundled course exported, committed and cloned afresh; the README's first
command (which makes a virtual environment, installs the grader from the export and starts
`grader watch`) run in a pseudo-terminal; its second command; then every `run:` step of the
exported workflow on a correct and on a wrong submission."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from junitparser import JUnitXml

from ci_steps import check_schema, clean_env, explain, load_yaml, run_github_job

pytestmark = pytest.mark.slow  # an export of the whole course, a pip install and real workers

REPO = Path(__file__).resolve().parents[2]
INSTALL_SECONDS = 900  # a cold pip cache on a busy machine
PROMPT = "learner-shell$ "


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=learner", "-c", "user.email=learner@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=120,
    )


def readme_commands(readme: str) -> list[str]:
    """The first line of each indented code block, in order."""
    blocks, previous_blank = [], True
    for line in readme.splitlines():
        if line.startswith("    ") and line.strip() and previous_blank:
            blocks.append(line.strip())
        previous_blank = not line.strip()
    return blocks


def solutions() -> dict[str, str]:
    """The instructor's reference solution of every problem, as a learner would write it."""
    return {
        folder.name: (folder / "solution.py").read_text()
        for folder in sorted((REPO / "reference").iterdir())
        if (folder / "solution.py").is_file()
    }


def visible_cases(export: Path) -> list[tuple[str, str]]:
    """(slug, case id) of every case the export publishes."""
    return [
        (folder.name, case_id)
        for folder in (export / "problems").iterdir()
        for case_id in re.findall(r'^id = "([^"]+)"', (folder / "cases.toml").read_text(), re.M)
    ]


def first_in_track(export: Path) -> str:
    """The problem `grader watch` opens first: the lowest position."""

    def position(folder: Path) -> int:
        return int(re.search(r"^position\s*=\s*(\d+)", (folder / "problem.toml").read_text(), re.M).group(1))

    return min((export / "problems").iterdir(), key=lambda f: (position(f), f.name)).name


def entry_point(export: Path, slug: str) -> str:
    text = (export / "problems" / slug / "problem.toml").read_text()
    return re.search(r'^entry_point\s*=\s*"([^"]+)"', text, re.M).group(1)


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    """The bundled course exported and committed, as the instructor publishes it."""
    base = tmp_path_factory.mktemp("learner-repo")
    done = subprocess.run(
        [sys.executable, "-m", "grader", "--root", str(REPO), "export", "--student", str(base / "published")],
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    git("init", "-q", "-b", "main", cwd=base / "published")
    git("add", ".", cwd=base / "published")
    git("commit", "-q", "-m", "course", cwd=base / "published")
    return base / "published"


def clone(export: Path, name: str) -> Path:
    target = export.parent / name
    git("clone", "-q", str(export), str(target), cwd=export.parent)
    return target


@pytest.fixture(scope="module")
def learner(export):
    """A learner's session in a fresh clone: the README's first command in a terminal (watch
    seen on the stub, then on a correct file, then quit), then its second command."""
    home = clone(export, "learner")
    first, second = readme_commands((home / "README.md").read_text())[:2]
    slug = first_in_track(home)
    env = clean_env(GRADER_CACHE_DIR=str(home.parent / "learner-cache"), PS1=PROMPT, TERM="xterm-256color")
    shell = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile"],
        cwd=str(home),
        env=env,
        encoding="utf-8",
        dimensions=(40, 140),
        timeout=60,
    )
    transcript = {}
    try:
        shell.expect_exact(PROMPT)
        shell.sendline(first)
        # the first problem's stub, checked on opening; the prompt back first means the command stopped
        seen = shell.expect_exact(["NOT IMPLEMENTED", PROMPT], timeout=INSTALL_SECONDS)
        screen_before = shell.before
        assert seen == 0, f"the README's first command stopped before watch:\n{screen_before[-3000:]}"
        (home / "workspace" / f"{slug}.py").write_text(solutions()[slug])
        shell.expect("Solved!", timeout=240)
        shell.send("q")
        shell.sendline("echo watch-exit=$?")
        shell.expect(r"watch-exit=(\d+)", timeout=120)
        transcript["watch"] = screen_before + shell.before
        transcript["watch_exit"] = int(shell.match.group(1))
        shell.sendline(second)
        shell.sendline("echo grade-exit=$?")
        shell.expect(r"grade-exit=(\d+)", timeout=600)
        transcript["grade"] = shell.before
        transcript["grade_exit"] = int(shell.match.group(1))
        shell.sendline("exit")
        shell.expect(pexpect.EOF, timeout=60)
    finally:
        shell.close(force=True)
    return home, slug, first, second, transcript


@pytest.fixture(scope="module")
def python_bin(learner) -> Path:
    """The Python the README's command installed the grader into: it stands in for
    actions/setup-python, so the workflow's own install step runs against a Python that has it."""
    home = learner[0]
    return home / ".venv" / "bin"


def ci_run(export: Path, name: str, python_bin: Path, files: dict[str, str]):
    """A fresh clone with the learner's files committed, and every step of its workflow run."""
    repo = clone(export, name)
    for slug, code in files.items():
        (repo / "workspace" / f"{slug}.py").write_text(code)
    git("commit", "-q", "-am", "my solutions", cwd=repo)
    flow = load_yaml(repo / ".github" / "workflows" / "grade.yml")
    env = clean_env(python_bin, GRADER_CACHE_DIR=str(repo.parent / f"{name}-cache"))
    runs = run_github_job(flow, "grade", repo, env)
    summary = Path(repo.parent / f"{name}-runner" / "summary.md")
    return repo, runs, summary.read_text() if summary.exists() else ""


def test_the_readme_leads_with_install_and_watch_then_the_check_of_everything(learner):
    _, _, first, second, _ = learner
    assert "pip install -r requirements.txt" in first and first.endswith("grader watch")
    assert second == "grader grade workspace"


def test_first_command_installs_the_grader_and_watch_checks_each_save(learner):
    home, slug, _, _, transcript = learner
    assert (home / ".venv" / "bin" / "grader").is_file()  # installed from vendor/ by the README's command
    assert slug in transcript["watch"]
    assert transcript["watch_exit"] == 0  # `q` leaves watch cleanly


def test_second_command_grades_every_problem_of_the_workspace(learner, export):
    _, slug, _, _, transcript = learner
    text = transcript["grade"]
    problems = sorted(p.name for p in (export / "problems").iterdir())
    assert len(problems) == 20
    for other in problems:
        assert other in text, f"{other} missing from the grade output"
    assert transcript["grade_exit"] == 1  # one problem solved, nineteen stubs


def test_workflow_passes_every_step_for_correct_solutions(export, python_bin):
    repo, runs, summary = ci_run(export, "ci-correct", python_bin, solutions())
    ran = [r for r in runs if r.code is not None]
    skipped = [r for r in runs if r.code is None]
    assert all("uses:" not in r.command for r in ran)
    assert {r.name for r in skipped} == {"actions/checkout@v4", "actions/setup-python@v5", "Keep the report"}
    assert len(ran) == 2 and all(r.code == 0 for r in ran), explain(runs)
    report = JUnitXml.fromfile(str(repo / "grade-report.xml"))
    cases = [
        (case.classname, case.name)
        for suite in report
        for case in suite
        if not case.name.startswith("requirement:")
    ]
    assert sorted(cases) == sorted(visible_cases(export))  # the visible cases, each once, and nothing hidden
    assert all(case.is_passed for suite in report for case in suite)
    points = re.match(r"## Grading: (\S+)/(\S+) points", summary)
    assert points and points.group(1) == points.group(2), summary[:300]
    assert "::error" not in "".join(r.stdout + r.stderr for r in runs)


def test_workflow_fails_a_wrong_solution_with_an_annotation_at_its_line(export, python_bin):
    files = solutions()
    slug = sorted(files)[0]
    files[slug] = f"def {entry_point(export, slug)}(*args, **kwargs):\n    return undefined_name\n"
    repo, runs, summary = ci_run(export, "ci-wrong", python_bin, files)
    install, grade = [r for r in runs if r.code is not None]
    assert install.code == 0, explain(runs)
    assert grade.code == 1, explain(runs)
    assert re.search(
        rf"^::error file=workspace/{slug}\.py,line=2,title={slug}[^:]*::NameError", grade.stdout, re.M
    ), grade.stdout
    assert f"**{slug}**" in summary and "## Grading:" in summary


def test_exported_workflow_validates_against_the_github_schema(export):
    done = check_schema("vendor.github-workflows", export / ".github" / "workflows" / "grade.yml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_exported_workflow_is_the_documented_one(export):
    assert (export / ".github" / "workflows" / "grade.yml").read_text() == (
        REPO / "docs" / "ci" / "github-grade.yml"
    ).read_text()
