"""Lint, format and types: `ruff check`, `ruff format --check` and `mypy` pass on the package, the tests and the benchmarks.

The configuration lives in pyproject.toml ([tool.ruff], [tool.mypy]); these tests only run the
tools with this interpreter, so `python -m pytest` (the README's test command) runs them in CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # mypy takes a minute or more on a busy machine


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True)


def test_ruff_check_passes():
    proc = _run("ruff", "check", "--no-cache", "grader", "tests", "bench")
    assert proc.returncode == 0, f"ruff check failed:\n{proc.stdout}{proc.stderr}"


def test_ruff_format_check_passes():
    proc = _run("ruff", "format", "--check", "--no-cache", "grader", "tests", "bench")
    assert proc.returncode == 0, (
        f"ruff format --check failed (run `ruff format grader tests bench`):\n{proc.stdout}"
    )


def test_mypy_passes():
    proc = _run("mypy", "grader")
    assert proc.returncode == 0, f"mypy failed:\n{proc.stdout}{proc.stderr}"
