"""The machine-readable formats of ``grader grade``, by name, each rendered to one string."""

from __future__ import annotations

import json

from grader.grading.submission import SubmissionResult, Threshold
from grader.reporters.gradescope import gradescope_results
from grader.reporters.junit import junit_xml
from grader.reporters.submission_json import submission_object

FORMATS = ("text", "json", "junit", "gradescope")


def render_machine(
    submission: SubmissionResult,
    fmt: str,
    threshold: Threshold = Threshold(),
    hidden_visibility: str = "after_published",
) -> str:
    """``json``, ``junit`` or ``gradescope`` as the text of one file (ending with a newline)."""
    if fmt == "json":
        return json.dumps(submission_object(submission, threshold), indent=2) + "\n"
    if fmt == "junit":
        return junit_xml(submission)
    if fmt == "gradescope":
        return json.dumps(gradescope_results(submission, hidden_visibility), indent=2) + "\n"
    raise ValueError(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
