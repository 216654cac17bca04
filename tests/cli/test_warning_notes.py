"""Warnings raised on behalf of the learner's code name the learner's file and line, even when
the library raises them from its own frames (Flax's ``.value`` setter warns from ``__setattr__``)."""

from __future__ import annotations

import pytest

from helpers import COURSE, run_cli

pytestmark = pytest.mark.slow  # real workers and the CLI

HEAD = "import warnings\n\nimport jax.numpy as jnp\nfrom flax import nnx\n"
IN_CALL = (
    HEAD
    + """

def scale_by(x, factor):
    kept = nnx.Param(jnp.zeros_like(x))
    kept.value = x * factor  # line 9: Flax's deprecated setter
    return kept[...]
"""
)
AT_IMPORT = (
    HEAD
    + """
counter = nnx.Variable(jnp.zeros(()))
counter.value = jnp.ones(())  # line 7


def scale_by(x, factor):
    return x * factor
"""
)
OWN = (
    HEAD
    + """

def helper(x):
    warnings.warn("x is copied", UserWarning, stacklevel=1)  # line 8
    return x


def scale_by(x, factor):
    return helper(x) * factor
"""
)


def _notes(tmp_path, source: str, fmt: str = "json"):
    path = tmp_path / "scale-by.py"
    path.write_text(source)
    result = run_cli(
        "--root",
        str(COURSE),
        "check",
        "scale-by",
        "--file",
        str(path),
        "--format",
        fmt,
        env={"GRADER_DAEMON": "0"},
        cwd=tmp_path,
    )
    assert result.code == 0, result.stdout + result.stderr
    return result.json()["notes"] if fmt == "json" else result.stdout


@pytest.mark.parametrize(
    "source, line, what",
    [
        (IN_CALL, 9, "'.value' setter is now deprecated"),
        (AT_IMPORT, 7, "'.value' setter is now deprecated"),
        (OWN, 8, "x is copied"),
    ],
)
def test_a_warning_note_names_the_learners_file_and_line(tmp_path, source, line, what):
    notes = [n for n in _notes(tmp_path, source) if what in n]
    assert len(notes) == 1, notes
    assert notes[0].endswith(f"scale-by.py:{line})"), notes[0]


def test_the_text_report_shows_where_the_warning_came_from(tmp_path):
    text = " ".join(_notes(tmp_path, IN_CALL, fmt="text").split())
    assert "'.value' setter is now deprecated" in text and "scale-by.py:9" in text
