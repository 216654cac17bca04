"""A file whose import never finishes is a ``timeout``, in ``check`` and in ``grade`` alike."""

from __future__ import annotations

import json

import pytest

from helpers import COURSE, run_cli
from processes import leftovers

pytestmark = pytest.mark.slow  # real workers and the CLI

TAIL = "\n\ndef scale_by(x, factor):\n    return x * factor\n"
NEVER_ENDS = {
    "spins": "import jax.numpy as jnp\nwhile True:\n    pass\n" + TAIL,
    "sleeps": "import time\ntime.sleep(10_000)\n" + TAIL,
}


@pytest.mark.parametrize("kind", sorted(NEVER_ENDS))
def test_an_import_that_never_finishes_is_a_timeout_in_check(tmp_path, kind):
    path = tmp_path / "scale-by.py"
    path.write_text(NEVER_ENDS[kind])
    result = run_cli(
        "--root",
        str(COURSE),
        "--workspace",
        str(tmp_path / "ws"),
        "check",
        "scale-by",
        "--file",
        str(path),
        "--format",
        "json",
        "--time-limit",
        "1",
        env={"GRADER_DAEMON": "0"},
    )
    report = result.json()
    assert result.code == 1
    assert report["status"] == "timeout", report
    assert "took too long to import" in report["message"]
    assert {c["status"] for c in report["cases"]} == {"timeout"}
    assert all("importing the file took too long" in c["message"] for c in report["cases"])
    assert leftovers() == []


def test_an_import_that_never_finishes_is_a_timeout_in_grade(tmp_path):
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "scale-by.py").write_text(NEVER_ENDS["sleeps"])
    result = run_cli(
        "--root",
        str(COURSE),
        "grade",
        str(folder),
        "--problems",
        "scale-by",
        "--format",
        "json",
        "--time-limit",
        "1",
        cwd=tmp_path,
    )
    report = json.loads(result.stdout)
    problem = next(p for p in report["problems"] if p["problem"] == "scale-by")
    assert problem["status"] == "timeout", problem
    assert {c["status"] for c in problem["cases"]} == {"timeout"}

    text = run_cli(
        "--root",
        str(COURSE),
        "grade",
        str(folder),
        "--problems",
        "scale-by",
        "--time-limit",
        "1",
        cwd=tmp_path,
    )
    row = next(line for line in text.stdout.splitlines() if "scale-by" in line and "0/4" in line)
    assert "timeout" in row and "error" not in row
    assert "took too long to import" in " ".join(text.stdout.split())
