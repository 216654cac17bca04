"""Feedback that teaches, without workers: cases that fail the same way are told once, the
likeliest known mistake wins, and every generic failure comes with something to try."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from rich.console import Console

from grader.engine.wire import ArrayValue
from grader.grading.compare import compare_tree
from grader.grading.diagnosis import choose_pitfalls, diagnose
from grader.grading.feedback import error_info, hint_for, mismatch_fix, mismatch_message
from grader.grading.results import (
    CaseResult,
    CaseStatus,
    ErrorInfo,
    ProblemResult,
    TraceFrame,
    overall_status,
)
from grader.reporters.text import render_check


def render(result: ProblemResult, width: int = 80) -> str:
    buf = io.StringIO()
    render_check(result, Console(file=buf, width=width, color_system=None, force_terminal=False))
    return buf.getvalue()


def arr(values, dtype=np.float32):
    return ArrayValue(np.array(values, dtype=dtype), "jax")


def problem(cases: list[CaseResult]) -> ProblemResult:
    return ProblemResult(
        "nnx-surgery-add-layer",
        "Warm-start a deeper MLP",
        overall_status(cases, False),
        cases,
        diagnoses=diagnose(cases),
    )


# ---------------------------------------------------------------- the likeliest known mistake


def test_the_pitfall_explaining_most_cases_is_told_for_all_it_explains():
    # range(n - 1): on one-layer cases nothing is copied, which "no copy" and "swapped seeds" also explain
    matches = {f"case-{i}": ["copy-loop-one-short"] for i in range(8)}
    matches.update(
        {
            "one-old-a": ["old-layers-not-copied", "copy-loop-one-short"],
            "one-old-b": ["old-layers-not-copied", "copy-loop-one-short"],
            "zero-extra": ["swapped-seeds", "copy-loop-one-short"],
            "passed": [],
        }
    )
    told = choose_pitfalls(matches)
    assert set(told.values()) == {"copy-loop-one-short"}
    assert "passed" not in told


def test_another_pitfall_is_told_only_for_cases_the_first_does_not_explain():
    told = choose_pitfalls({"a": ["p1"], "b": ["p1", "p2"], "c": ["p2"], "d": ["p1"]})
    assert told == {"a": "p1", "b": "p1", "c": "p2", "d": "p1"}


def test_ties_go_to_the_pitfall_declared_first():
    assert choose_pitfalls({"a": ["p2", "p1"], "b": ["p1", "p2"]}) in ({"a": "p2", "b": "p2"},)


# ---------------------------------------------------------------- one diagnosis per way of failing

CAST = ErrorInfo(
    "TypeError",
    "'float' object cannot be interpreted as an integer",
    (
        TraceFrame("learner.py", 29, "add_layer_warm_start", "small = MLP(x.shape[-1], n, f, rngs)"),
        TraceFrame("learner.py", 12, "__init__", "for i in range(num_layers)"),
    ),
    hint=hint_for("TypeError", "'float' object cannot be interpreted as an integer"),
)


def cast_error_everywhere(n: int = 12) -> list[CaseResult]:
    return [
        CaseResult(
            f"case-number-{i}",
            "visible" if i < 2 else "hidden",
            CaseStatus.ERROR,
            "TypeError: 'float' object cannot be interpreted as an integer",
            error=CAST,
            inputs={"seed": 0.0, "num_old_layers": 2.0} if i < 2 else None,
        )
        for i in range(n)
    ]


def test_an_error_every_case_shares_is_one_diagnosis_with_one_traceback():
    result = problem(cast_error_everywhere())
    assert len(result.diagnoses) == 1
    d = result.diagnoses[0]
    assert d.kind == "error" and len(d.cases) == 12 and "int(" in d.fix
    text = render(result)
    assert text.count("Traceback (your code)") == 1
    assert text.count("cannot be interpreted as an integer") == 1
    assert len(text.splitlines()) <= 30
    assert all(len(line.rstrip()) <= 80 for line in text.splitlines())
    assert "all 12 cases" in text


def test_errors_at_other_lines_or_of_other_types_are_told_apart():
    cases = cast_error_everywhere(3)
    other = ErrorInfo(
        "KeyError",
        "'Dense_3'",
        (TraceFrame("learner.py", 40, "f", "params[last]"),),
        hint=hint_for("KeyError", "'Dense_3'"),
    )
    cases.append(CaseResult("deep", "hidden", CaseStatus.ERROR, "KeyError: 'Dense_3'", error=other))
    result = problem(cases)
    assert [len(d.cases) for d in result.diagnoses] == [3, 1]
    text = render(result)
    assert text.count("Traceback (your code)") == 2
    assert "see 2: KeyError at learner.py:40" in text


def test_one_line_per_case_at_80_columns_even_with_long_names():
    cases = cast_error_everywhere(3)
    cases[2] = CaseResult(
        "changed-defaults-one-old-zero-extra-with-a-very-long-name",
        "hidden",
        CaseStatus.ERROR,
        cases[2].message,
        error=CAST,
    )
    text = render(problem(cases))
    table = [line for line in text.splitlines() if "error" in line and "case" in line or "changed" in line]
    assert len(table) == 3 and all(len(line.rstrip()) <= 80 for line in table)
    assert all(line.startswith("!") for line in table)


def test_a_pitfall_is_told_in_the_same_voice_whether_the_code_raised_or_returned():
    raised = CaseResult(
        "a",
        "visible",
        CaseStatus.ERROR,
        "TypeError: x",
        error=CAST,
        pitfall="float-in-range",
        pitfall_message="Counts arrive as floats: cast them with int().",
    )
    returned = CaseResult(
        "b",
        "visible",
        CaseStatus.FAILED,
        "1 of 4 value(s) differ",
        pitfall="one-short",
        pitfall_message="The copy loop stopped one layer early.",
    )
    for case in (raised, returned):
        assert case.full_message == f"{case.message} — likely cause: {case.pitfall_message}"
        text = render(problem([case]))
        assert f"Likely cause: {case.pitfall_message}" in text
        assert "matches a known mistake" not in text


def test_a_group_of_hidden_cases_shows_no_inputs():
    m = compare_tree(arr([1.0, 2.0]), arr([1.0, 5.0]), 1e-5, 1e-6)
    hidden = CaseResult("secret", "hidden", CaseStatus.FAILED, mismatch_message(m, reveal=False), mismatch=m)
    result = problem([hidden])
    assert result.diagnoses[0].example is None
    text = render(result)
    assert "inputs:" not in text and "5" not in text.split("\n", 1)[1]


# ---------------------------------------------------------------- a fix for every generic failure


def mismatch(expected, received):
    m = compare_tree(expected, received, 1e-5, 1e-6)
    return m, mismatch_message(m)


def test_none_a_list_float64_a_shape_and_nan_each_say_what_to_try():
    m, text = mismatch(arr([1.0, 2.0]), None)
    assert "return" in mismatch_fix(m.kind, text)
    m, text = mismatch(arr([1.0, 2.0]), [1.0, 2.0])
    assert "jnp.asarray" in mismatch_fix(m.kind, text)
    m, text = mismatch(arr([1.0, 2.0]), arr([1.0, 2.0], np.float64))
    assert "jax.numpy" in mismatch_fix(m.kind, text)
    m, text = mismatch(arr([1.0, 2.0]), arr([[1.0, 2.0]]))
    assert "shape" in mismatch_fix(m.kind, text)
    m, text = mismatch(arr([1.0, 2.0]), arr([1.0, np.nan]))
    assert "NaN" in mismatch_fix(m.kind, text)


def test_a_hidden_mismatch_still_gets_its_fix():
    m = compare_tree(arr([1.0, 2.0]), [1.0, 2.0], 1e-5, 1e-6)
    assert "jnp.asarray" in mismatch_fix(m.kind, mismatch_message(m, reveal=False))


def test_common_flax_and_python_errors_have_hints():
    assert '{"params": params}' in hint_for(
        "ScopeCollectionNotFound",
        'Tried to access "kernel" from collection "params" in "/Dense_0" but the collection is empty.',
    )
    assert '{"params": params}' in hint_for(
        "ApplyScopeInvalidVariablesTypeError",
        "The first argument passed to an apply function should be a dictionary of collections.",
    )
    assert "int(seed)" in hint_for("TypeError", "PRNG key seed must be an integer; got 1.0")
    assert "signature" in hint_for("TypeError", "f() takes 2 positional arguments but 3 were given")
    assert "spelling" in hint_for("ModuleNotFoundError", "No module named 'flax.nnx2'")
    assert "x.shape" in hint_for(
        "TypeError", "dot_general requires contracting dimensions to have the same shape, got (5,) and (2,)."
    )
    assert "colon" in hint_for("SyntaxError", "expected ':'")


def test_flax_documentation_links_are_left_out_of_messages():
    raw = {
        "type": "ScopeParamShapeError",
        "message": 'For parameter "kernel" the shape differs. '
        "(https://flax.readthedocs.io/en/latest/api_reference/flax.errors.html#x)",
        "frames": [],
    }
    err = error_info(raw, "/copy/learner.py", "learner.py")
    assert "https://" not in err.message and err.hint


def test_a_syntax_error_shows_the_line_and_a_caret_under_the_column():
    err = error_info(
        {
            "type": "SyntaxError",
            "message": "expected ':'",
            "frames": [
                {
                    "file": "/copy/learner.py",
                    "line": 3,
                    "name": "<module>",
                    "code": "    for i in range(n)",
                    "column": 22,
                }
            ],
        },
        "/copy/learner.py",
        "learner.py",
    )
    result = ProblemResult(
        "p",
        "P",
        overall_status([], True),
        [],
        message="learner.py has a syntax error on line 3.",
        load_error=err,
    )
    lines = render(result).splitlines()
    code = next(i for i, line in enumerate(lines) if "for i in range(n)" in line)
    caret = lines[code + 1]
    assert caret.strip() == "^"
    assert caret.index("^") == lines[code].index("range(n)") + len("range(n)")
    assert "frozen" not in "\n".join(lines) and "Try:" in "\n".join(lines)


@pytest.mark.parametrize("column", [2**31 - 1, 10_000, 20, -3])
def test_a_caret_column_outside_the_line_draws_no_caret(column):
    """The column comes from the learner's process: one past the line's end is the farthest a
    caret goes, and nothing is sized by a number outside that."""
    frame = {"file": "/copy/learner.py", "line": 1, "name": "<module>", "code": "x = (1", "column": column}
    err = error_info({"type": "SyntaxError", "message": "bad", "frames": [frame]}, "/copy/learner.py", "l.py")
    assert err.frames[0].column == 0
    forged = replace(err, frames=(replace(err.frames[0], column=column),))  # a result built elsewhere
    result = ProblemResult("p", "P", overall_status([], True), [], message="m", load_error=forged)
    text = render(result)
    assert "^" not in text and max(len(line) for line in text.splitlines()) <= 100


def test_the_graders_own_frames_are_not_shown_as_where_the_error_came_from():
    import grader.engine.worker as worker

    raw = {
        "type": "TypeError",
        "message": "f() takes 3 positional arguments but 4 were given",
        "frames": [{"file": worker.__file__, "line": 314, "name": "run", "code": "out = fn(*args)"}],
    }
    err = error_info(raw, "/copy/learner.py", "learner.py")
    assert err.frames == () and err.hint


def test_a_requirement_broken_by_a_reshaped_output_follows_from_the_cases_diagnosis():
    m, text = mismatch(arr([1.0, 2.0]), arr([[1.0, 2.0]]))
    cases = [
        CaseResult("a", "visible", CaseStatus.FAILED, text, mismatch=m),
        CaseResult(
            "requirement:runs-the-model",
            "visible",
            CaseStatus.FAILED,
            "Your function must return what the model gives.",
            kind="requirement",
        ),
    ]
    result = problem(cases)
    assert [d.kind for d in result.diagnoses] == ["mismatch"]
    assert "Your function must return" in render(result)  # still on its line of the table
    m, text = mismatch(arr([1.0, 2.0]), arr([1.0, 3.0]))
    cases[0] = CaseResult("a", "visible", CaseStatus.FAILED, text, mismatch=m)
    assert [d.kind for d in problem(cases).diagnoses] == ["mismatch", "requirement"]


def test_when_no_case_could_run_the_message_says_so_once_without_a_table():
    cases = [
        CaseResult(f"c{i}", "visible", CaseStatus.ERROR, "not run: the file could not be loaded")
        for i in range(5)
    ]
    result = ProblemResult(
        "p",
        "P",
        overall_status(cases, True),
        cases,
        message="learner.py has no function named 'f', so no case could run. Try: define it.",
    )
    text = render(result)
    assert "not run" not in text and text.count("no function named") == 1
