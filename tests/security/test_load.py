"""Verdicts do not depend on how busy the machine is: time limits count the CPU time and idle
time of the learner's processes, not the wall clock (grader/engine/clock.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from helpers import REPO, run_cli
from processes import leftovers

pytestmark = pytest.mark.slow

BURNERS = 8
BURN_SECONDS = 400  # each burner ends by itself, whatever happens to the test


@pytest.fixture
def saturated():
    """Eight CPU-bound processes, each in a session of its own, as other jobs on a shared CI
    runner are (the kernel then gives each session its own share of the CPU)."""
    code = f"import time\nend = time.monotonic() + {BURN_SECONDS}\nwhile time.monotonic() < end:\n    pass\n"
    burners = [subprocess.Popen([sys.executable, "-c", code], start_new_session=True) for _ in range(BURNERS)]
    time.sleep(1.0)
    try:
        yield
    finally:
        for proc in burners:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_a_correct_solution_passes_on_a_saturated_machine(saturated):
    solution = REPO / "reference" / "flax-surgery-zero" / "solution.py"
    result = run_cli(
        "check",
        "flax-surgery-zero",
        "--file",
        str(solution),
        "--format",
        "json",
        env={"GRADER_DAEMON": "0"},
        timeout=1500,
    )
    report = result.json()
    assert report["status"] == "passed", [c["message"] for c in report["cases"]]
    assert result.code == 0


def test_an_infinite_loop_still_times_out_on_a_saturated_machine(saturated, tmp_path):
    loop = tmp_path / "loop.py"
    loop.write_text(
        "def zero_last_layer_kernel(seed, x, num_layers, features):\n    while True:\n        pass\n"
    )
    began = time.monotonic()
    result = run_cli(
        "check",
        "nnx-surgery-zero-layer",
        "--file",
        str(loop),
        "--format",
        "json",
        env={"GRADER_DAEMON": "0"},
        timeout=900,
    )
    seconds = time.monotonic() - began
    report = result.json()
    assert report["status"] == "timeout"
    # stopped by its CPU time (the loop gets about a ninth of a core: its 10 s of CPU take about
    # 45 s), or on a machine busier still by the wall-clock backstop, run twice: either way bounded
    assert "CPU time" in report["cases"][0]["message"] or "wall-clock" in report["cases"][0]["message"]
    assert seconds < 600
    assert leftovers() == []
