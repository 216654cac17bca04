"""Hidden means hidden: no text learner code produces while a hidden case runs (exception messages,
warnings, type and function names, printed output, dict keys, output shapes) reaches any output,
and neither does what its import could read from the worker's memory.

Each learner file below writes the inputs it gets into everything it can. The hidden inputs are
computed here from the fixtures' cases.toml, independently of the grader, and no output of
``check`` (text, JSON) or ``grade`` (text, JSON, JUnit, Gradescope, GitHub annotations and step
summary) may contain one. Visible cases keep their full messages."""

from __future__ import annotations

import builtins
import io
import json
import os
import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from grader.course.catalogue import load_catalogue
from grader.grading import redaction
from grader.grading.batch import BatchOptions, grade_folder, select_problems
from grader.grading.submission import Threshold
from grader.reporters import github
from grader.reporters.formats import render_machine
from grader.reporters.grade_text import render_submission
from helpers import COURSE, GRADE_COURSE, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")


PEEK = '''
import sys

import numpy as np


def _peek():
    """The worker's request is on the stack while this file is imported: read every input in it."""
    out, frame = [], sys._getframe()
    while frame is not None:
        seen = frame.f_locals
        if "request" in seen and "buffers" in seen:
            try:
                out += ["X=" + repr(np.frombuffer(b, np.float32).tolist()) for b in seen["buffers"]]
                out += ["F=" + repr(float.fromhex(a["v"])) for c in seen["request"]["cases"]
                        for a in c["args"] if a.get("t") == "float"]
            except Exception as exc:
                out.append(f"peek failed: {exc!r}")
        frame = frame.f_back
    return " ".join(out)


SEEN = _peek()


def _raise_in(name, exc):
    """Raise from a function whose name is made at run time."""
    def thrower():
        raise exc
    thrower.__code__ = thrower.__code__.replace(co_name=name)
    thrower()
'''

# tests/courses/one-problem: everything at once, on every case
CHECK_ATTACK = (
    PEEK
    + """
import warnings


print("import saw", SEEN)


def scale_by(x, factor):
    told = f"F={float(factor)!r} X={np.asarray(x).tolist()!r}"
    tag = str(int(abs(float(factor)) * 10))
    print("call", told)
    print("call", told, file=sys.stderr)
    warnings.warn(told)
    warnings.warn(told, type("Leak_w" + tag, (UserWarning,), {}))
    _raise_in("fn_" + tag, type("Leak_" + tag, (ValueError,), {})(told + " " + SEEN))
"""
)
RAISE_LINE = CHECK_ATTACK.splitlines().index("        raise exc") + 1

# tests/courses/six-problems: one way in per problem
GRADE_ATTACK = {
    "scale-by": 'def scale_by(x, factor):\n    raise ValueError(f"F={float(factor)!r} X={x.tolist()!r}")\n',
    "add-one": (
        "import sys\nimport warnings\n\n\ndef add_one(x):\n"
        "    told = f'X={x.tolist()!r}'\n    print(told)\n    print(told, file=sys.stderr)\n"
        "    warnings.warn(told)\n"
        "    warnings.warn(told, type('Leak_w' + '_'.join(map(str, x.shape)), (RuntimeWarning,), {}))\n"
        "    return x + 1.0\n"
    ),
    "square": PEEK
    + (
        "\n\ndef square(x):\n    tag = '_'.join(map(str, x.shape))\n"
        "    _raise_in('fn_' + tag, type('Leak_' + tag, (ArithmeticError,), {})(f'X={x.tolist()!r}'))\n"
    ),
    "negate": "import jax.numpy as jnp\n\n\ndef negate(x):\n    return jnp.zeros(x.size * 1000)\n",
    "clip-unit": "def clip_unit(x):\n    return {f'X={x.tolist()!r}': x}\n",
    "halve": PEEK
    + "\n\ndef halve(x):\n    if x.ndim == 1:\n        raise IndexError(SEEN)\n    raise KeyError(SEEN)\n",
}


def _inputs(course: Path, slug: str, hidden: bool) -> list[dict]:
    cases = tomllib.loads((course / "problems" / slug / "cases.toml").read_text())["cases"]
    out = []
    for case in cases:
        if (case["visibility"] == "hidden") != hidden:
            continue
        values = {}
        for name, value in case["inputs"].items():
            if isinstance(value, dict):  # the fixtures' generators: seeded standard normals
                value = np.random.default_rng(value["seed"]).standard_normal(value["shape"])
            values[name] = np.asarray(value, dtype=np.float32)
        out.append(values)
    return out


def secrets(course: Path, slug: str) -> set[str]:
    """Texts that only a hidden input of ``slug`` could have made, as the learner files write them."""
    found = set()
    for values in _inputs(course, slug, hidden=True):
        for _name, array in values.items():
            if array.ndim == 0:
                found |= {
                    f"F={float(array)!r}",
                    f"Leak_{int(abs(float(array)) * 10)}",
                    f"fn_{int(abs(float(array)) * 10)}",
                    f"Leak_w{int(abs(float(array)) * 10)}",
                }
                continue
            tag = "_".join(map(str, array.shape))
            found |= {
                f"X={array.tolist()!r}",
                f"X={array.ravel().tolist()!r}",
                f"Leak_{tag}",
                f"fn_{tag}",
                f"Leak_w{tag}",
                f"({array.size * 1000},)",
            }
            found |= {
                repr(v) for v in array.ravel().tolist() if not (float(v * 2).is_integer() and abs(v) <= 4)
            }
    return found


def visible_markers(course: Path, slug: str) -> set[str]:
    found = set()
    for values in _inputs(course, slug, hidden=False):
        for array in values.values():
            found.add(f"F={float(array)!r}" if array.ndim == 0 else f"X={array.tolist()!r}")
    return found


def assert_nothing_hidden(text: str, forbidden: set[str], visible: set[str]) -> None:
    # line wrapping must not hide a leak: compare without any whitespace
    flat = re.sub(r"\s+", "", re.sub(r'time="[0-9.]+"', 'time="T"', text))
    leaked = sorted(s for s in forbidden if re.sub(r"\s+", "", s) in flat)
    assert not leaked, leaked
    # whatever the learner files wrote with a marker came from a visible case
    visible = {re.sub(r"\s+", "", v) for v in visible}
    for marker in re.findall(r"[FX]=(?:\[[^A-Za-z]*?\]|-?[0-9.e+-]+)", flat):
        assert any(v.startswith(marker) or marker.startswith(v) for v in visible), marker


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("check")
    (folder / "attack.py").write_text(CHECK_ATTACK)
    args = ("--root", str(COURSE), "check", "scale-by", "--file", "attack.py")
    text = run_cli(*args, cwd=folder, env={"COLUMNS": "200"})
    data = run_cli(*args, "--format", "json", cwd=folder)
    assert text.code == data.code == 1, text.stderr + data.stderr
    return text.stdout, data.json()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The grade course's attack graded once in this process, and once through the CLI in Actions."""
    folder = tmp_path_factory.mktemp("grade")
    (folder / "attack").mkdir()
    for slug, source in GRADE_ATTACK.items():
        (folder / "attack" / f"{slug}.py").write_text(source)
    problems = select_problems(load_catalogue(GRADE_COURSE), None)
    here = Path.cwd()
    os.chdir(folder)
    try:
        submission = grade_folder(problems, Path("attack"), "attack", BatchOptions())
    finally:
        os.chdir(here)
    summary = folder / "summary.md"
    cli = run_cli(
        "--root",
        str(GRADE_COURSE),
        "grade",
        "attack",
        "--format",
        "json",
        cwd=folder,
        env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert cli.code == 1, cli.stderr
    return submission, cli, summary.read_text()


def grade_outputs(graded) -> dict[str, str]:
    submission, cli, summary = graded
    buf = io.StringIO()
    render_submission(submission, Threshold(), Console(file=buf, width=200, color_system=None))
    outputs = {fmt: render_machine(submission, fmt) for fmt in ("json", "junit", "gradescope")}
    outputs.update(
        text=buf.getvalue(),
        annotations="\n".join(github.annotations(submission)),
        summary=github.step_summary(submission),
        cli_json=cli.stdout,
        cli_annotations=cli.stderr,
        cli_summary=summary,
    )
    return outputs


def test_check_shows_no_hidden_input_in_text_or_json(checked):
    text, data = checked
    forbidden, visible = secrets(COURSE, "scale-by"), visible_markers(COURSE, "scale-by")
    assert forbidden and visible == {"F=2.0", "X=[1.0, 2.0, 3.0]"}
    for output in (text, json.dumps(data, ensure_ascii=False)):
        assert_nothing_hidden(output, forbidden, visible)


def test_check_keeps_the_visible_case_whole(checked):
    text, data = checked
    visible = data["cases"][0]
    assert visible["id"] == "worked-example"
    assert visible["message"].startswith("Leak_20: F=2.0 X=[1.0, 2.0, 3.0]")
    assert "UserWarning: F=2.0 X=[1.0, 2.0, 3.0]" in " ".join(data["notes"])
    assert "Leak_w20: F=2.0" in " ".join(data["notes"])
    # what the import and the visible call printed, and where they raised, with the function's name
    assert "import saw X=[1.0, 2.0, 3.0] F=2.0" in text and "call F=2.0" in text
    assert f"attack.py:{RAISE_LINE} in fn_20" in text


def test_check_tells_hidden_cases_by_type_and_line_only(checked):
    text, data = checked
    for case in data["cases"][1:]:
        assert case["visibility"] == "hidden" and case["status"] == "error"
        # a type made at run time from the inputs is not a name the grader can vouch for
        assert case["message"] == "Exception: (its type and message are not shown for a hidden case)"
    assert f"attack.py:{RAISE_LINE} in ?" in text
    assert "What your code printed while the hidden cases ran is not shown" in text
    notes = " ".join(data["notes"])
    assert "Warning: (raised while a hidden case ran; the message is not shown)" in notes


@pytest.mark.parametrize(
    "fmt",
    [
        "text",
        "json",
        "junit",
        "gradescope",
        "annotations",
        "summary",
        "cli_json",
        "cli_annotations",
        "cli_summary",
    ],
)
def test_grade_shows_no_hidden_input_in_any_format(graded, fmt):
    forbidden, visible = set(), set()
    for slug in GRADE_ATTACK:
        forbidden |= secrets(GRADE_COURSE, slug)
        visible |= visible_markers(GRADE_COURSE, slug)
    assert {"Leak_2_3", "fn_2_3", "(6000,)"} <= forbidden
    assert_nothing_hidden(grade_outputs(graded)[fmt], forbidden, visible)


def test_grade_keeps_visible_messages_and_points_hidden_twins_at_them(graded):
    problems = {p["problem"]: p for p in json.loads(grade_outputs(graded)["cli_json"])["problems"]}
    visible, hidden = problems["scale-by"]["cases"]
    assert visible["message"] == "ValueError: F=2.0 X=[1.0, -2.0, 0.5]"
    assert hidden["message"] == "ValueError: (the same error as visible case worked-example: see its message)"
    assert problems["square"]["cases"][0]["message"] == "Leak_3: X=[1.0, -2.0, 0.5]"
    assert problems["square"]["cases"][1]["message"].startswith(
        "Exception: (its type and message are not shown"
    )
    assert "(3000,)" in problems["negate"]["cases"][0]["message"]
    assert problems["negate"]["cases"][1]["message"].startswith("output: the shape differs from the expected")
    assert "X=[1.0, -2.0, 0.5]" in problems["clip-unit"]["cases"][0]["message"]
    assert problems["clip-unit"]["cases"][1]["message"] == "output: expected a jax.Array, got a dict"
    assert problems["add-one"]["status"] == "passed"  # its warnings change nothing
    notes = " ".join(problems["add-one"]["notes"])
    assert "UserWarning: X=[1.0, -2.0, 0.5]" in notes and "Leak_w3: X=[1.0, -2.0, 0.5]" in notes
    assert "Warning: (raised while a hidden case ran; the message is not shown)" in notes


def test_hidden_errors_keep_their_file_line_and_hint_in_annotations(graded):
    _, cli, _ = graded
    hidden = [line for line in cli.stderr.splitlines() if "(case secret-matrix)" in line]
    square = next(line for line in hidden if "title=square" in line)
    line = GRADE_ATTACK["square"].splitlines().index("        raise exc") + 1
    assert f"file=attack/square.py,line={line}," in square
    halve = next(line for line in hidden if "title=halve" in line)
    assert "KeyError: (message not shown for a hidden case)" in halve
    assert "A dictionary key was not found" in halve  # the hint, chosen by the grader


# ---------------------------------------------------------------- the redaction, on any record

SOURCE = b"import numpy as np\n\n\ndef scale_by(x, factor):\n    raise ValueError(x)\n"
LEARNER = "/private/copy/scale-by.py"
_FRAME = st.fixed_dictionaries(
    {
        "file": st.sampled_from([LEARNER, "/elsewhere/x.py", ""]) | st.text(max_size=30),
        "line": st.integers(-5, 10) | st.text(max_size=5) | st.none(),
        "name": st.sampled_from(["scale_by", "<module>", "Leak_15"]) | st.text(max_size=20),
        "code": st.text(max_size=40),
    }
)
_RECORD = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["ValueError", "np", "Leak_15", "KeyError"]) | st.text(max_size=20),
        "message": st.text(min_size=1, max_size=60),
        "frames": st.lists(_FRAME, max_size=5) | st.text(max_size=5),
        "not_implemented": st.booleans(),
    }
)
_SAID = {
    redaction.NOT_SHOWN,
    "(its type and message are not shown for a hidden case)",
    "(the same error as visible case worked-example: see its message)",
}


@settings(max_examples=1000, deadline=None)
@given(_RECORD, st.booleans())
def test_a_hidden_error_shows_only_what_the_grader_vouches_for(raw, visible_twin):
    v = redaction.Vouched.of(SOURCE, LEARNER, "scale-by.py")
    if visible_twin:
        v.saw_visible("worked-example", {"type": "ValueError", "frames": [{"file": LEARNER, "line": 5}]})
    err = redaction.hidden_error(raw, v)
    assert err.message in _SAID
    words = {"import", "numpy", "as", "np", "def", "scale_by", "x", "factor", "raise", "ValueError"}
    assert err.type == "Exception" or err.type in words or isinstance(getattr(builtins, err.type, None), type)
    lines = SOURCE.decode().splitlines()
    # two frames at most, the outermost and innermost the learner's file has: not the chain
    assert len(err.frames) <= 2
    ours = [f for f in (raw["frames"] if isinstance(raw["frames"], list) else []) if f["file"] == LEARNER]
    ours = [f for f in ours if isinstance(f["line"], int) and 1 <= f["line"] <= len(lines)]
    assert [f.line for f in err.frames] == [f["line"] for f in ours[:1] + ours[1:][-1:]]
    for frame in err.frames:
        assert frame.file == "scale-by.py" and 1 <= frame.line <= len(lines)
        assert frame.code == lines[frame.line - 1].strip()
        assert frame.name in words | {"<module>", "?"}


CHAIN = (
    b"def a(x):\n    return b(x)\n\n\ndef b(x):\n    return c(x)\n\n\ndef c(x):\n    raise ValueError(x)\n"
)


def test_a_hidden_traceback_is_two_lines_however_deep_the_chain():
    v = redaction.Vouched.of(CHAIN, LEARNER, "scale-by.py")
    chain = [
        {"file": LEARNER, "line": n, "name": name, "code": ""} for n, name in ((2, "a"), (6, "b"), (10, "c"))
    ]
    err = redaction.hidden_error({"type": "ValueError", "message": "1.5", "frames": chain}, v)
    assert [(f.line, f.name) for f in err.frames] == [(2, "a"), (10, "c")]  # not b, line 6


def test_hidden_warnings_tell_a_few_places_and_count_the_rest():
    source = b"import warnings\n" + b"warnings.warn('x')\n" * 20
    v = redaction.Vouched.of(source, LEARNER, "scale-by.py")
    records = [{"category": "UserWarning", "file": LEARNER, "line": n} for n in range(2, 22)]
    notes = redaction.hidden_warning_notes(records, v, set())
    places = [n.location for n in notes if n.location]
    assert places == ["scale-by.py:2", "scale-by.py:3", "scale-by.py:4"]
    assert len(places) == redaction.HIDDEN_WARNING_PLACES
    assert notes[-1].message.startswith("17 more warning place(s)")
