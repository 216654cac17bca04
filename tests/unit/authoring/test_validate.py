"""``grader validate``: a good fixture problem, one broken copy per kind of breakage, the repository."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from grader.authoring.validate import ValidateOptions, check_problem, validate_catalogue, validate_problem
from grader.engine.pool import WorkerPool
from grader.engine.runner import RunOptions
from grader.reporters.validation import render_validation
from helpers import REPO, VALID_COURSE

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

GOOD = VALID_COURSE
SLUG = "scale"


# The session's cache (tests/conftest.py), not one of its own: validate's trusted runs reuse what
# the other tests' trusted runs compiled. Entries are keyed by the files' content, so a broken copy
# of the fixture never reads another's.


@pytest.fixture(scope="module")
def running():
    """Validation that runs code, its workers forked from one zygote for the whole module (each
    run still gets a fresh process), instead of a Python start and the JAX imports per run."""
    with WorkerPool() as pool:
        yield ValidateOptions(run=RunOptions(workers=pool))


def grader(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = dict(os.environ, COLUMNS="200", NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900
    )


def copy_course(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    shutil.copytree(GOOD, course)
    return course


def edit(course: Path, rel: str, old: str, new: str) -> None:
    path = course / rel
    text = path.read_text()
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1))


def where(findings, severity="error"):
    return {(f.file, f.field) for f in findings if f.severity == severity}


P, R = f"problems/{SLUG}", f"reference/{SLUG}"


# ---------------------------------------------------------------- the good fixture


@pytest.fixture(scope="module")
def good_report(running):
    return check_problem(SLUG, GOOD, running)


def test_good_fixture_has_no_error(good_report):
    assert good_report.errors == []
    assert good_report.cost is not None
    assert (good_report.cost.cases, good_report.cost.visible, good_report.cost.hidden) == (3, 1, 2)
    assert good_report.cost.shapes == 2
    assert good_report.cost.reference_seconds is not None


def test_equivalent_pitfall_that_no_case_catches_is_a_note(good_report):
    notes = [f for f in good_report.findings if f.severity == "note"]
    assert [(f.file, f.field) for f in notes] == [(f"{R}/pitfalls.toml", "pitfalls[copies-result]")]
    assert "holds the same values" in notes[0].message


# ---------------------------------------------------------------- one broken copy per breakage


def _unknown_key(c):
    edit(c, f"{P}/problem.toml", 'difficulty = "easy"', 'difficulty = "easy"\ncolour = "red"')


def _wrong_type(c):
    edit(c, f"{P}/problem.toml", "position = 1", 'position = "first"')


def _missing_field(c):
    edit(c, f"{P}/problem.toml", 'entry_point = "scale"\n', "")


def _stub_signature(c):
    edit(c, f"{P}/stub.py", "def scale(x, factor):", "def scale(x, k):")


def _reference_signature(c):
    edit(c, f"{R}/solution.py", "def scale(x, factor):", "def scale(factor, x):")


def _pitfall_signature(c):
    edit(c, f"{R}/pitfalls.py", "def factor_squared(x, factor):", "def factor_squared(x):")


def _pitfall_function_missing(c):
    edit(c, f"{R}/pitfalls.toml", 'function = "ignores_factor"', 'function = "ignore_factor"')


def _duplicate_case_id(c):
    edit(c, f"{P}/cases.toml", 'id = "matrix"', 'id = "negative-factor"')


def _no_visible_case(c):
    edit(c, f"{P}/cases.toml", 'visibility = "visible"', 'visibility = "hidden"')


def _input_of_wrong_kind(c):
    edit(c, f"{P}/cases.toml", "factor = 2\n", "factor = [2.0]\n")


def _placeholder_left(c):
    edit(c, f"{P}/statement.md", "# Scale an array\n", "# Scale an array\n\nTODO(grader-new): the example.\n")


def _missing_statement(c):
    (c / P / "statement.md").unlink()


STATIC = {
    "unknown key": (_unknown_key, f"{P}/problem.toml", "colour", "unknown key"),
    "wrong type": (_wrong_type, f"{P}/problem.toml", "position", "must be an integer"),
    "missing field": (_missing_field, f"{P}/problem.toml", "entry_point", "is required"),
    "stub signature": (_stub_signature, f"{P}/stub.py", "def scale", "takes (x, k)"),
    "reference signature": (_reference_signature, f"{R}/solution.py", "def scale", "takes (factor, x)"),
    "pitfall signature": (_pitfall_signature, f"{R}/pitfalls.py", "def factor_squared", "takes (x)"),
    "pitfall function missing": (
        _pitfall_function_missing,
        f"{R}/pitfalls.py",
        "def ignore_factor",
        "no top-level function 'ignore_factor'",
    ),
    "duplicate case id": (_duplicate_case_id, f"{P}/cases.toml", "cases[2].id", "used twice"),
    "no visible case": (_no_visible_case, f"{P}/cases.toml", "cases", "no visible case"),
    "input of wrong kind": (
        _input_of_wrong_kind,
        f"{P}/cases.toml",
        "cases[worked-example].inputs.factor",
        "must be a number",
    ),
    "placeholder left": (
        _placeholder_left,
        f"{P}/statement.md",
        "line 3",
        "placeholder left by `grader new`",
    ),
    "missing statement": (_missing_statement, f"{P}/statement.md", "", "file is missing"),
}


@pytest.mark.parametrize("name", STATIC)
def test_breakage_found_by_reading_files(name, tmp_path, running):
    change, file, field, words = STATIC[name]
    course = copy_course(tmp_path)
    change(course)
    findings = validate_problem(SLUG, course, running)
    errors = [f for f in findings if f.severity == "error"]
    assert (file, field) in where(errors), [str(f) for f in findings]
    assert any(words in f.message for f in errors if (f.file, f.field) == (file, field))
    # a broken file stops the checks that run code, and a note says so
    assert any(f.severity == "note" and "code was not run" in f.message for f in findings)


def test_duplicate_position_across_problems(tmp_path):
    course = copy_course(tmp_path)
    shutil.copytree(course / P, course / "problems" / "scale-again")
    shutil.copytree(course / R, course / "reference" / "scale-again")
    findings = validate_problem("scale-again", course, ValidateOptions(run_code=False))
    assert ("problems/scale-again/problem.toml", "position") in where(findings)


def _stub_passes(c):
    edit(c, f"{P}/stub.py", "raise NotImplementedError", "return jnp.asarray(x) * factor")


def _reference_raises(c):
    edit(
        c,
        f"{R}/solution.py",
        "    return",
        "    if jnp.ndim(x) == 2:\n        raise ValueError('no matrices')\n    return",
    )


def _nondeterministic(c):
    edit(c, f"{R}/solution.py", "import jax.numpy as jnp", "import os\n\nimport jax.numpy as jnp")
    edit(
        c,
        f"{R}/solution.py",
        "return jnp.asarray(x) * factor",
        "return jnp.asarray(x) * factor + int.from_bytes(os.urandom(4), 'little') / 2**32",
    )


def _pitfall_not_caught(c):
    edit(
        c,
        f"{R}/pitfalls.py",
        "def copies_result",
        "def clips_huge(x, factor):\n"
        "    return jnp.clip(jnp.asarray(x), -1e6, 1e6) * factor\n\n\ndef copies_result",
    )
    with open(c / R / "pitfalls.toml", "a") as fh:
        fh.write('\n[[pitfalls]]\nid = "clips-huge"\nmessage = "Clipped."\nfunction = "clips_huge"\n')


def _pitfall_caught_only_by_visible_case(c):
    edit(c, f"{P}/cases.toml", "factor = -0.5", "factor = 1")
    edit(c, f"{P}/cases.toml", "factor = 3", "factor = 1")


def _equivalent_but_caught(c):
    edit(
        c,
        f"{R}/pitfalls.toml",
        'function = "ignores_factor"',
        'function = "ignores_factor"\nequivalent = "Scaling changes nothing."',
    )


RUNS = {
    "stub passes": (_stub_passes, f"{P}/stub.py", "def scale", "passes every case"),
    "reference fails its own case": (_reference_raises, f"{R}/solution.py", "cases[matrix]", "no matrices"),
    "nondeterministic reference": (
        _nondeterministic,
        f"{R}/solution.py",
        "cases[worked-example]",
        "different outputs",
    ),
    "pitfall not caught": (
        _pitfall_not_caught,
        f"{R}/pitfalls.toml",
        "pitfalls[clips-huge]",
        "pitfall 'clips-huge' is not caught by any hidden case",
    ),
    "pitfall caught only by a visible case": (
        _pitfall_caught_only_by_visible_case,
        f"{R}/pitfalls.toml",
        "pitfalls[ignores-factor]",
        "only by visible case 'worked-example'",
    ),
    "equivalent pitfall that a case catches": (
        _equivalent_but_caught,
        f"{R}/pitfalls.toml",
        "pitfalls[ignores-factor].equivalent",
        "is marked equivalent",
    ),
}


@pytest.mark.parametrize("name", RUNS)
def test_breakage_found_by_running_code(name, tmp_path, running):
    change, file, field, words = RUNS[name]
    course = copy_course(tmp_path)
    change(course)
    findings = validate_problem(SLUG, course, running)
    errors = [f for f in findings if f.severity == "error"]
    assert (file, field) in where(errors), [str(f) for f in findings]
    assert any(words in f.message for f in errors if (f.file, f.field) == (file, field))


# ---------------------------------------------------------------- the command


def test_cli_reports_file_field_and_exits_1_on_errors(tmp_path):
    course = copy_course(tmp_path)
    _duplicate_case_id(course)
    _stub_signature(course)
    result = grader("--root", str(course), "validate", SLUG)
    assert result.returncode == 1, result.stderr
    assert f"{P}/cases.toml: cases[2].id: case id 'negative-factor' is used twice" in result.stdout
    assert f"{P}: note: code was not run" in result.stdout
    assert f"{P}/stub.py: def scale: takes (x, k)" in result.stdout


def test_cli_unknown_slug_exits_2():
    result = grader("--root", str(GOOD), "validate", "no-such-problem")
    assert result.returncode == 2
    assert "unknown problem 'no-such-problem'" in result.stderr


def test_cli_every_new_command_and_option_has_help():
    import typer.main

    from grader.cli.app import app

    group = typer.main.get_command(app)
    for name in ("new", "validate", "export"):
        command = group.commands[name]
        assert command.help, name
        for param in command.params:
            assert getattr(param, "help", None), f"{name} {param.name}"


def test_whole_repository_validates(running):
    # slow: grades the stub and the reference of every problem and runs every pitfall twice. What
    # `grader validate` does and prints, with the module's workers (the command itself is tested above)
    reports = validate_catalogue(REPO, None, running)
    out = io.StringIO()
    render_validation(reports, Console(file=out, width=200, color_system=None))
    printed = out.getvalue()
    assert not [r for r in reports if r.errors], printed
    assert re.search(r"\d+ problems checked: 0 errors", printed)
    assert printed.count("· cost:") == len([p for p in (REPO / "problems").iterdir() if p.is_dir()])


# ---------------------------------------------------------------- cheat probes, worlds, requirements


def _constant_answer(c):
    """The fixture turned into a problem whose reference does no work: it returns ones."""
    (c / R / "solution.py").write_text(
        "import jax.numpy as jnp\n\n\ndef scale(x, factor):\n    return jnp.ones_like(jnp.asarray(x))\n"
    )
    (c / R / "pitfalls.toml").write_text("format_version = 1\n")
    (c / R / "pitfalls.py").unlink()


def test_constant_answer_fails_validate_with_the_probe_named(tmp_path, running):
    course = copy_course(tmp_path)
    _constant_answer(course)
    findings = validate_problem(SLUG, course, running)
    errors = [f for f in findings if f.severity == "error"]
    assert [(f.file, f.field) for f in errors] == [(f"{P}/cases.toml", "probes[ones]")], [
        str(f) for f in findings
    ]
    assert "an all-ones answer passes every case: the output does not depend on the work" in errors[0].message


def test_constant_answer_accepted_with_a_reason_passes_with_a_note(tmp_path, running):
    course = copy_course(tmp_path)
    _constant_answer(course)
    (course / R / "pitfalls.toml").write_text(
        'format_version = 1\n\n[[accepted_probes]]\nid = "ones"\nreason = "The task asks for ones."\n'
    )
    findings = validate_problem(SLUG, course, running)
    assert [f for f in findings if f.severity == "error"] == [], [str(f) for f in findings]
    notes = [f for f in findings if f.severity == "note"]
    assert [(f.file, f.field) for f in notes] == [(f"{R}/pitfalls.toml", "accepted_probes[ones]")]
    assert "accepted: The task asks for ones." in notes[0].message


def test_good_fixture_fails_every_probe(good_report):
    assert not any("probes[" in f.field for f in good_report.findings)


def _accept_a_caught_probe(c):
    with open(c / R / "pitfalls.toml", "a") as fh:
        fh.write('\n[[accepted_probes]]\nid = "zeros"\nreason = "Zeros are fine."\n')


def _accept_an_unknown_probe(c):
    with open(c / R / "pitfalls.toml", "a") as fh:
        fh.write('\n[[accepted_probes]]\nid = "twos"\nreason = "Twos are fine."\n')


def _requirement_nobody_meets(c):
    with open(c / P / "problem.toml", "a") as fh:
        fh.write(
            '\n[[requirements]]\nid = "uses-nnx"\nmessage = "Use an nnx.Linear."\n'
            'any_of = [{ seen = ["nnx.Linear"] }]\n'
        )


PROBE_AND_REQUIREMENT_RUNS = {
    "accepted probe that a case catches": (
        _accept_a_caught_probe,
        f"{R}/pitfalls.toml",
        "accepted_probes[zeros]",
        "case 'worked-example' catches it",
    ),
    "accepted probe that does not exist": (
        _accept_an_unknown_probe,
        f"{R}/pitfalls.toml",
        "accepted_probes[0].id",
        "no probe 'twos'",
    ),
    "requirement the reference does not meet": (
        _requirement_nobody_meets,
        f"{P}/problem.toml",
        "requirements[uses-nnx]",
        "the reference does not meet",
    ),
}


def _unknown_event(c):
    with open(c / P / "problem.toml", "a") as fh:
        fh.write('\n[[requirements]]\nid = "r"\nmessage = "m"\nany_of = [{ seen = ["nnx.Dense"] }]\n')


def _unknown_world(c):
    edit(
        c,
        f"{P}/cases.toml",
        'id = "matrix"\nvisibility = "hidden"',
        'id = "matrix"\nvisibility = "hidden"\nworld = "upside-down"',
    )


def _world_on_visible_case(c):
    edit(
        c,
        f"{P}/cases.toml",
        'visibility = "visible"',
        'visibility = "visible"\nworld = "nnx-linear-random-bias"',
    )


def _bad_statement_value(c):
    edit(c, f"{P}/problem.toml", 'difficulty = "easy"', 'difficulty = "easy"\nstatement_values = ["six"]')


WORLD_AND_REQUIREMENT_FILES = {
    "unknown event in a requirement": (
        _unknown_event,
        f"{P}/problem.toml",
        "requirements[0].any_of[0].seen",
        "unknown event 'nnx.Dense'",
    ),
    "unknown world": (_unknown_world, f"{P}/cases.toml", "cases[2].world", "unknown world 'upside-down'"),
    "world on a visible case": (
        _world_on_visible_case,
        f"{P}/cases.toml",
        "cases[worked-example].world",
        "only hidden cases may change the world",
    ),
    "statement value that is not a number": (
        _bad_statement_value,
        f"{P}/problem.toml",
        "statement_values[0]",
        "must be a number",
    ),
}


@pytest.mark.parametrize("name", WORLD_AND_REQUIREMENT_FILES)
def test_world_and_requirement_breakage_found_by_reading_files(name, tmp_path):
    change, file, field, words = WORLD_AND_REQUIREMENT_FILES[name]
    course = copy_course(tmp_path)
    change(course)
    errors = [
        f for f in validate_problem(SLUG, course, ValidateOptions(run_code=False)) if f.severity == "error"
    ]
    assert (file, field) in where(errors), [str(f) for f in errors]
    assert any(words in f.message for f in errors if (f.file, f.field) == (file, field))


@pytest.mark.parametrize("name", PROBE_AND_REQUIREMENT_RUNS)
def test_probe_and_requirement_breakage_found_by_running_code(name, tmp_path, running):
    change, file, field, words = PROBE_AND_REQUIREMENT_RUNS[name]
    course = copy_course(tmp_path)
    change(course)
    errors = [f for f in validate_problem(SLUG, course, running) if f.severity == "error"]
    assert (file, field) in where(errors), [str(f) for f in errors]
    assert any(words in f.message for f in errors if (f.file, f.field) == (file, field))
