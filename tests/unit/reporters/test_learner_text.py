"""Text a learner's code chose (type names, dict keys, exception types and messages, file and
folder names) cannot break a report: no terminal control reaches a text verdict, every JUnit file
parses, and the Markdown step summary shows such text as written (no HTML, links or images)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from grader.engine.wire import ArrayValue, OpaqueValue
from grader.grading.compare import Mismatch
from grader.grading.diagnosis import diagnose
from grader.grading.results import CaseResult, CaseStatus, ErrorInfo, ProblemResult, ProblemStatus
from grader.grading.submission import ProblemGrade, SubmissionResult
from grader.reporters import github
from grader.reporters.junit import junit_xml
from grader.reporters.text import render_check

ESCAPES = "\x1b[2J\x1b[32m scale-by PASSED 4/4 cases\x1b[8m"


def _problem(cases: list[CaseResult], message: str = "") -> ProblemResult:
    result = ProblemResult("scale-by", "Scale", ProblemStatus.FAILED, cases, message=message)
    result.diagnoses = diagnose(cases)
    return result


def _text(result: ProblemResult) -> str:
    buf = io.StringIO()
    render_check(result, Console(file=buf, width=100, color_system=None, force_terminal=False))
    return buf.getvalue()


def test_what_a_visible_case_received_is_shown_without_terminal_control():
    expected = ArrayValue(np.ones(3, np.float32), "numpy")
    for received in (OpaqueValue(ESCAPES), {ESCAPES: 1.0}, [OpaqueValue(ESCAPES)], ESCAPES):
        case = CaseResult(
            "worked-example",
            "visible",
            CaseStatus.FAILED,
            "expected an array, got something else",
            inputs={"x": expected},
            expected=expected,
            received=received,
            mismatch=Mismatch("output", "type", "ndarray", "something else"),
        )
        text = _text(_problem([case]))
        assert "received:" in text and "\x1b" not in text
        if isinstance(received, (OpaqueValue, str)):
            assert "\\x1b[2J" in text  # told, as an escape


def _graded(text: str) -> SubmissionResult:
    error = ErrorInfo(type=text or "E", message=text)
    cases = [
        CaseResult("worked-example", "visible", CaseStatus.ERROR, text, error=error),
        CaseResult("hidden-one", "hidden", CaseStatus.FAILED, text),
    ]
    return SubmissionResult(text, [ProblemGrade(_problem(cases, text), 1.0, f"{text}/scale-by.py")])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_every_junit_file_parses_whatever_the_learner_wrote(text):
    root = ET.fromstring(junit_xml(_graded(text)).split("\n", 1)[1])
    assert root.tag == "testsuites" and len(root.findall(".//testcase")) == 2


def test_junit_keeps_no_character_xml_refuses():
    for bad in ("Bad\uffff", "Bad\ufffe", "nul\x00", "surrogate\udcff", "esc\x1b["):
        ET.fromstring(junit_xml(_graded(bad)).split("\n", 1)[1])  # raises on a character XML refuses


_ACTIVE = re.compile(r"[`*_\[\]!|~<]")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_learner_text_in_the_step_summary_is_shown_as_written(text):
    shown = github._md(text)
    assert "\n" not in shown
    # with every escaped pair taken out, nothing Markdown or HTML would act on is left
    assert not _ACTIVE.search(re.sub(r"\\.", "", shown))


def test_a_message_with_html_and_an_image_stays_text_in_the_summary():
    forged = '<h2>Grading: 4/4 points</h2><img src="https://e.example/x.png"> ![ok](https://e.example/y.png) **all passed**'
    summary = github.step_summary(_graded(forged))
    assert "<h2>" not in summary and "<img" not in summary and "![ok](" not in summary
    assert "**all passed**" not in summary and "&lt;h2>" in summary
