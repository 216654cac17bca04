"""The learner's commands, invoked the way a learner types them (a subprocess of the real CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import typer.core
import typer.main

from grader.cli.app import app
from helpers import COURSE, FAULTS, REPO, run_cli

CORRECT = COURSE / "reference" / "scale-by" / "solution.py"


@pytest.fixture
def course(tmp_path):
    """A private copy of the fixture course, so workspace files and state start empty."""
    root = tmp_path / "course"
    shutil.copytree(COURSE, root)
    return root


def cli(root, *args, **kw):
    return run_cli("--root", str(root), *args, **kw)


def test_every_command_and_option_has_help_text():
    group = typer.main.get_command(app)
    assert group.help
    for name, command in group.commands.items():
        assert command.help, f"command {name} has no help text"
        for param in command.params:
            if isinstance(param, (typer.core.TyperOption, typer.core.TyperArgument)):
                assert param.help, f"option {param.name} of {name} has no help text"
    for name in group.commands:
        result = run_cli(name, "--help")
        assert result.code == 0 and "Usage" in result.stdout


def test_help_groups_the_commands_by_who_uses_them():
    text = run_cli("--help").stdout
    panels = [text.index(title) for title in ("For learners", "For instructors", "For CI")]
    assert panels == sorted(panels)

    def panel_of(command: str) -> int:
        at = text.index(f"│ {command} ")
        return sum(1 for start in panels if start < at)

    assert {
        panel_of(c) for c in ("list", "show", "check", "hint", "reset", "watch", "progress", "solution")
    } == {1}
    assert {panel_of(c) for c in ("new", "validate", "export")} == {2}
    assert {panel_of(c) for c in ("grade", "merge", "doctor")} == {3}


def test_console_script_is_installed():
    exe = shutil.which("grader")
    assert exe, "the grader command is not on PATH (pip install -e .)"
    proc = subprocess.run([exe, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "check" in proc.stdout


def test_unknown_slug_is_a_usage_error_with_one_line(course):
    result = cli(course, "check", "no-such-problem")
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "unknown problem 'no-such-problem'" in lines[0]


def test_missing_file_is_a_usage_error(course):
    result = cli(course, "check", "scale-by", "--file", str(course / "nope.py"))
    assert result.code == 2 and "file not found" in result.stderr


def test_unknown_format_is_a_usage_error(course):
    result = cli(course, "check", "scale-by", "--format", "xml")
    assert result.code == 2 and "unknown format" in result.stderr


def test_first_check_copies_the_stub_and_reports_not_implemented(course):
    result = cli(course, "check", "scale-by")
    assert result.code == 1
    assert (course / "workspace" / "scale-by.py").read_text() == (
        course / "problems" / "scale-by" / "stub.py"
    ).read_text()
    assert "NOT IMPLEMENTED" in result.stdout
    assert "\x1b[" not in result.stdout  # plain text when stdout is not a terminal


def test_solved_problem_shows_in_list_and_json_contract(course):
    (course / "workspace").mkdir(exist_ok=True)
    shutil.copyfile(CORRECT, course / "workspace" / "scale-by.py")
    result = cli(course, "check", "scale-by", "--format", "json")
    assert result.code == 0
    report = json.loads(result.stdout)  # exactly one JSON object, nothing else on stdout
    assert set(report) >= {"problem", "status", "score", "max_score", "cases"}
    assert report["problem"] == "scale-by" and report["status"] == "passed"
    assert report["score"] == report["max_score"] == 4.0
    for case in report["cases"]:
        assert set(case) >= {"id", "visibility", "status", "message"}
        assert case["visibility"] in ("visible", "hidden")
    listing = cli(course, "list")
    assert listing.code == 0
    assert (
        "Scale an array" in listing.stdout and "✓ solved" in listing.stdout and "1/1 solved" in listing.stdout
    )


def test_workspace_option_and_environment(course, tmp_path):
    elsewhere = tmp_path / "mine"
    result = cli(course, "--workspace", str(elsewhere), "check", "scale-by")
    assert result.code == 1 and (elsewhere / "scale-by.py").exists()
    other = tmp_path / "env-ws"
    result = cli(course, "check", "scale-by", env={"GRADER_WORKSPACE": str(other)})
    assert (other / "scale-by.py").exists()


def test_show_renders_the_statement(course):
    result = cli(course, "show", "scale-by")
    assert result.code == 0
    assert "Scale an array" in result.stdout and "scale_by(x, factor)" in result.stdout


def test_hints_come_one_at_a_time(course):
    first = cli(course, "hint", "scale-by")
    second = cli(course, "hint", "scale-by")
    third = cli(course, "hint", "scale-by")
    assert "Hint 1/2: Multiply." in first.stdout
    assert "Hint 2/2: Return x * factor." in second.stdout
    assert "All 2 hints were shown" in third.stdout


def test_reset_asks_and_restores(course):
    ws = course / "workspace"
    ws.mkdir()
    (ws / "scale-by.py").write_text("my work\n")
    refused = cli(course, "reset", "scale-by")  # no terminal to ask on: refuse, keep the file
    assert refused.code == 2 and (ws / "scale-by.py").read_text() == "my work\n"
    done = cli(course, "reset", "scale-by", "--yes")
    assert done.code == 0
    assert (ws / "scale-by.py").read_text() == (course / "problems" / "scale-by" / "stub.py").read_text()


def test_text_verdict_of_a_failing_visible_case_explains_itself(course):
    result = cli(course, "check", "scale-by", "--file", str(FAULTS / "wrong_shape_column.py"))
    assert result.code == 1
    assert "expected shape (3,), got shape (3, 1)" in result.stdout
    assert "Visible case worked-example" in result.stdout
    assert "factor=2.0" in result.stdout  # scalars reach the function as floats


def test_broken_problem_is_reported_with_file_and_field(course):
    toml = course / "problems" / "scale-by" / "problem.toml"
    toml.write_text(toml.read_text().replace('difficulty = "easy"', 'difficulty = "trivial"'))
    result = cli(course, "check", "scale-by")
    assert result.code == 2
    assert "problems/scale-by/problem.toml: difficulty: must be one of easy, medium, hard" in result.stderr


def test_python_dash_m_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "--help"], capture_output=True, text=True, cwd=REPO
    )
    assert proc.returncode == 0 and "list" in proc.stdout


def test_help_shows_flags_without_a_value_type():
    """A flag takes no value, so its help shows no `<bool>`; options that take one keep their type."""
    from typer.testing import CliRunner

    group = typer.main.get_command(app)
    runner = CliRunner()
    for name in [None, *group.commands]:
        args = ["--root", str(COURSE)] + ([name] if name else []) + ["--help"]
        result = runner.invoke(app, args, env={"COLUMNS": "200", "NO_COLOR": "1"})
        assert result.exit_code == 0, result.output
        assert "<bool>" not in result.output, f"grader {name or ''} --help:\n{result.output}"
        command = group.commands[name] if name else group
        flags = [p for p in command.params if getattr(p, "is_flag", False)]
        assert all(f" {flag.opts[0]} " in result.output for flag in flags), result.output
    check = runner.invoke(app, ["--root", str(COURSE), "check", "--help"], env={"COLUMNS": "200"}).output
    assert "--time-limit" in check and "<float range>" in check and "<str>" in check


def test_every_command_shows_its_help_outside_any_course(tmp_path):
    """Help needs no course: `grader CMD --help` works where there is no problems/ folder, while the
    command itself refuses to run there."""
    from typer.testing import CliRunner

    group = typer.main.get_command(app)
    runner = CliRunner()
    for name in group.commands:
        result = runner.invoke(app, ["--root", str(tmp_path), name, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, f"grader {name} --help:\n{result.output}"
        assert f"Usage: grader {name}" in result.output or f"Usage: root {name}" in result.output, (
            result.output
        )
    refused = runner.invoke(app, ["--root", str(tmp_path), "list"])
    assert refused.exit_code == 2 and "not a course" in refused.output
