"""Hidden material in a folder the sandbox opens to learner code (system folders, the Python
environment) is told in every verdict: the course's reference/ or the grader's cache there."""

from __future__ import annotations

import sys
from pathlib import Path

from grader.grading import assess


def test_a_course_or_cache_learner_code_may_read_is_told_in_every_verdict(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("GRADER_DISABLE", raising=False)
    assert assess.exposure_note(tmp_path / "course") is None  # a private folder: nothing to say
    inside = Path(sys.prefix) / "course"  # the Python environment is open to submissions
    note = assess.exposure_note(inside)
    assert (
        note is not None and str(inside / "reference") in note.message and "GRADER_CACHE_DIR" in note.message
    )
    monkeypatch.setenv("GRADER_CACHE_DIR", "/opt/grader-cache")
    note = assess.exposure_note(tmp_path / "course")
    assert note is not None and "/opt/grader-cache" in note.message
