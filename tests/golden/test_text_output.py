"""The rich text verdicts, rendered at a fixed width and compared with golden files.

Regenerate with ``GRADER_UPDATE_GOLDEN=1 pytest tests/golden/test_text_output.py`` and read the diff
before committing: the golden files are the specification of what a learner sees.
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from rich.console import Console

from grader.engine.wire import ArrayValue
from grader.grading.compare import compare_tree
from grader.grading.diagnosis import diagnose
from grader.grading.feedback import mismatch_message
from grader.grading.results import (
    CaseResult,
    CaseStatus,
    ErrorInfo,
    Note,
    ProblemResult,
    ProblemStatus,
    TraceFrame,
    overall_status,
)
from grader.reporters.text import render_check
from helpers import GOLDEN as GOLDEN_ROOT

GOLDEN = GOLDEN_ROOT / "check"
ZEROED = "The kernel was never zeroed: write zeros into it with kernel[...] = jnp.zeros_like(...)."


def render(result: ProblemResult, width: int = 80) -> str:
    buf = io.StringIO()
    render_check(result, Console(file=buf, width=width, color_system=None, force_terminal=False))
    return buf.getvalue()


def arr(values):
    return ArrayValue(np.array(values, dtype=np.float32), "jax")


def failed_result() -> ProblemResult:
    expected, received = arr([0.0, 0.0, 0.0, 0.0]), arr([0.0, 0.5, 0.0, 0.0])
    m = compare_tree(expected, received, 1e-5, 1e-6)
    hidden = compare_tree(arr([0.0, 0.0]), arr([0.25, 0.0]), 1e-5, 1e-6)
    cases = [
        CaseResult(
            "worked-example",
            "visible",
            CaseStatus.FAILED,
            mismatch_message(m),
            mismatch=m,
            pitfall="kernel-not-zeroed",
            pitfall_message=ZEROED,
            inputs={"seed": 0.0, "x": np.array([1.0, 2.0, 3.0], np.float32)},
            expected=expected,
            received=received,
        ),
        CaseResult("single-layer", "visible", CaseStatus.PASSED, "passed"),
        CaseResult(
            "deep-stack",
            "hidden",
            CaseStatus.FAILED,
            mismatch_message(hidden, reveal=False),
            mismatch=hidden,
            pitfall="kernel-not-zeroed",
            pitfall_message=ZEROED,
        ),
    ]
    return ProblemResult(
        "nnx-surgery-zero-layer",
        "Zero the last layer's kernel",
        overall_status(cases, False),
        cases,
        diagnoses=diagnose(cases),
        notes=[
            Note(
                "DeprecationWarning: '.value' access is now deprecated.",
                "workspace/nnx-surgery-zero-layer.py:12",
            )
        ],
        stdout="debug: building the model\n",
    )


def error_result() -> ProblemResult:
    err = ErrorInfo(
        "TypeError",
        "'float' object cannot be interpreted as an integer",
        (TraceFrame("workspace/p.py", 9, "zero_last_layer_kernel", "for i in range(num_layers):"),),
        hint="Scalar inputs arrive as Python floats (3 arrives as 3.0): cast with int(...) before range() or indexing.",
    )
    cases = [
        CaseResult(
            cid,
            vis,
            CaseStatus.ERROR,
            "TypeError: 'float' object cannot be interpreted as an integer",
            error=err,
        )
        for cid, vis in (("worked-example", "visible"), ("deep-stack", "hidden"))
    ]
    return ProblemResult(
        "nnx-surgery-zero-layer",
        "Zero the last layer's kernel",
        overall_status(cases, False),
        cases,
        diagnoses=diagnose(cases),
    )


def not_implemented_result() -> ProblemResult:
    err = ErrorInfo("NotImplementedError", "", not_implemented=True)
    cases = [CaseResult("worked-example", "visible", CaseStatus.ERROR, "not implemented yet", error=err)]
    return ProblemResult(
        "nnx-surgery-replace",
        "Overwrite a kernel",
        overall_status(cases, False),
        cases,
        message="replace_kernel is not implemented yet: replace `raise NotImplementedError` with your solution.",
    )


def passed_result() -> ProblemResult:
    cases = [
        CaseResult(f"case-{i}", "hidden" if i else "visible", CaseStatus.PASSED, "passed") for i in range(3)
    ]
    return ProblemResult(
        "nnx-surgery-replace", "Overwrite a kernel", overall_status(cases, False), cases, only_visible=False
    )


SCENARIOS = {
    "failed": failed_result,
    "error": error_result,
    "not_implemented": not_implemented_result,
    "passed": passed_result,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_text_verdict_matches_golden(name):
    text = render(SCENARIOS[name]())
    path = GOLDEN / f"check_{name}.txt"
    if os.environ.get("GRADER_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


def test_statuses_derived_as_documented():
    assert failed_result().status is ProblemStatus.FAILED
    assert error_result().status is ProblemStatus.ERROR
    assert not_implemented_result().status is ProblemStatus.NOT_IMPLEMENTED
    assert passed_result().status is ProblemStatus.PASSED


def test_hidden_case_never_shows_inputs_or_expected_values():
    text = render(failed_result())
    assert "deep-stack (hidden)" in text
    hidden_line = next(line for line in text.splitlines() if "deep-stack" in line)
    assert "expected 0" not in hidden_line and "0.25" not in text
    assert "Visible case worked-example" in text and "Visible case deep-stack" not in text


def test_narrow_terminal_still_renders_every_case():
    text = render(failed_result(), width=40)
    for cid in ("worked-example", "single-layer", "deep-stack"):
        assert cid in text
