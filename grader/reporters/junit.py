"""JUnit XML of a graded submission: a testsuite per problem, a testcase per case.

The shape GitLab, Jenkins and the common JUnit parsers read: ``<testsuites>`` holding one
``<testsuite>`` per problem; a case that did not pass carries ``<failure>`` (wrong output, not
implemented, not submitted) or ``<error>`` (an exception, a crash, a timeout) with the feedback.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from grader.grading.points import format_points
from grader.grading.results import CaseResult, CaseStatus
from grader.grading.submission import ProblemGrade, SubmissionResult

# characters XML 1.0 cannot carry, even escaped; learner messages may hold any of them
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def junit_xml(submission: SubmissionResult) -> str:
    counts = {"tests": 0, "failures": 0, "errors": 0}
    root = ET.Element("testsuites", name=f"grader: {submission.learner}")
    for grade in submission.problems:
        suite = _suite(grade)
        root.append(suite)
        for key in counts:
            counts[key] += int(suite.get(key, 0))
    for key, value in counts.items():
        root.set(key, str(value))
    root.set("time", _seconds(submission.seconds))
    # every attribute and text, whatever part of it learner code chose: characters XML 1.0 has
    # no place for become U+FFFD, so any parser reads the file
    for element in root.iter():
        for name, text in list(element.attrib.items()):
            element.set(name, _clean(text))
        if element.text:
            element.text = _clean(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(grade: ProblemGrade) -> ET.Element:
    result = grade.result
    suite = ET.Element(
        "testsuite",
        name=result.slug,
        tests=str(len(result.cases)),
        failures="0",
        errors="0",
        skipped="0",
        time=_seconds(result.seconds),
        file=grade.file,
    )
    props = ET.SubElement(suite, "properties")
    for name, value in (
        ("status", result.status.value),
        ("score", format_points(grade.score)),
        ("max_score", format_points(grade.max_score)),
        ("weight", format_points(grade.weight)),
    ):
        ET.SubElement(props, "property", name=name, value=value)
    for case in result.cases:
        suite.append(_testcase(result.slug, grade, case))
    suite.set("failures", str(sum(1 for t in suite.iter("failure"))))
    suite.set("errors", str(sum(1 for t in suite.iter("error"))))
    return suite


def _testcase(slug: str, grade: ProblemGrade, case: CaseResult) -> ET.Element:
    name = case.id + (" (hidden)" if case.visibility == "hidden" else "")
    element = ET.Element("testcase", classname=slug, name=name, time=_seconds(case.seconds), file=grade.file)
    if case.status is CaseStatus.PASSED:
        return element
    tag, kind = _kind(case)
    body = case.full_message
    if grade.result.advice(case.id):
        body += "\n" + grade.result.advice(case.id)
    if grade.result.message and grade.result.message != body:
        body += "\n\n" + grade.result.message
    problem = ET.SubElement(element, tag, message=case.full_message, type=kind)
    problem.text = body
    return element


def _kind(case: CaseResult) -> tuple[str, str]:
    if case.status is CaseStatus.FAILED:
        return "failure", "wrong_output"
    if case.status is CaseStatus.NOT_SUBMITTED:
        return "failure", "not_submitted"
    if case.error is not None and case.error.not_implemented:
        return "failure", "not_implemented"
    if case.status is CaseStatus.TIMEOUT:
        return "error", "timeout"
    return "error", case.error.type if case.error is not None else "error"


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _seconds(value: float) -> str:
    return f"{value:.3f}"
