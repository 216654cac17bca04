"""The files that make an exported course a learner's own repository.

Beside problems/ the export writes: the grader's wheel in vendor/ with a requirements.txt that
installs it and the library versions the expected outputs were computed with, a README whose
first command installs the grader and starts ``grader watch``, a workspace/ holding each stub as
the learner's file, a .gitignore, and a GitHub workflow that grades workspace/ on every push.

The convention every part follows (the instructor's ``grade --many`` included): a learner's
solution of problem SLUG is ``workspace/SLUG.py`` in their repository.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from grader.authoring.wheel import build_wheel, pinned_requirements
from grader.course.catalogue import Problem
from grader.grading.batch import LEARNER_REPO_FILES as WORKSPACE

WORKFLOW_PATH = ".github/workflows/grade.yml"
VENDOR = "vendor"


def write_learner_repo(outdir: Path, problems: Sequence[Problem], workflow: bool = True) -> list[Path]:
    """Write the repository files around the exported problems/; returns the paths written."""
    shutil.rmtree(outdir / VENDOR, ignore_errors=True)  # no wheel of an earlier grader
    wheel = build_wheel(outdir / VENDOR)
    texts = {
        "requirements.txt": requirements_text(f"./{VENDOR}/{wheel.name}"),
        "README.md": README.format(
            count=len(problems),
            first=problems[0].slug if problems else "SLUG",
            workflow=WORKFLOW_NOTE if workflow else NO_WORKFLOW_NOTE,
        ),
        ".gitignore": GITIGNORE,
    }
    if workflow:
        texts[WORKFLOW_PATH] = WORKFLOW
    written = [wheel]
    for name, text in texts.items():
        path = outdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for problem in problems:  # the learner's files start as the stubs; an existing one is theirs
        path = outdir / WORKSPACE / f"{problem.slug}.py"
        if not os.path.lexists(path):
            path.parent.mkdir(exist_ok=True)
            shutil.copyfile(problem.stub_path, path)
            written.append(path)
    return written


def requirements_text(wheel: str) -> str:
    lines = [
        "# The grader of this course (built into vendor/) and the exact library versions its",
        "# expected outputs were computed with. Install with: python -m pip install -r requirements.txt",
        wheel,
        *pinned_requirements(),
    ]
    return "\n".join(lines) + "\n"


README = """\
# JAX and Flax practice problems

{count} problems, each with a statement, a file for your solution in `workspace/` and visible test
cases with their expected outputs. The grader checks your file every time you save it.

## Start

You need Python 3.11 or newer on Linux (WSL works on Windows). In this folder, run:

    python3 -m venv .venv && . .venv/bin/activate && python -m pip install -r requirements.txt && grader watch

It makes a virtual environment in `.venv/`, installs the grader from `vendor/` with the library
versions the course was written for, and opens the first problem you have not solved. Edit
`workspace/{first}.py` in your editor and save: the verdict appears at once. Single keys move
between problems and show hints (`q` quits; the screen lists the others).

To check every problem at once, the way this repository's CI grades it, run:

    grader grade workspace

(In a new terminal, run `. .venv/bin/activate` first.)

## Other commands

    grader list                 # the problems, in order, with your status
    grader show SLUG            # read a problem
    grader check SLUG           # check workspace/SLUG.py once
    grader hint SLUG            # one more hint
    grader reset SLUG           # put the stub back in workspace/SLUG.py

## What is graded

Your solution of problem SLUG is `workspace/SLUG.py`: commit these files and push. Nothing else
counts; `.gitignore` keeps the virtual environment and the grader's notes about you out of git.
{workflow}
This repository holds the visible cases only. **Your instructor also grades your files on hidden
cases** that are not in this repository, so passing every visible case here does not promise full
marks: write the function the statement asks for, not one that fits the visible cases.
"""

WORKFLOW_NOTE = """
Every push and pull request runs `.github/workflows/grade.yml`: the same check as `grader grade
workspace`. The run turns green when every problem passes its visible cases; an error raised by
your code is marked at its line, and your points are on the run's summary page.
"""

NO_WORKFLOW_NOTE = ""

GITIGNORE = """\
# the virtual environment the README makes
.venv/
# what the grader remembers for you (hints seen, checks run): not part of your solutions
workspace/.grader-state.json
workspace/.grader-state.lock
__pycache__/
grade-report.xml
"""

WORKFLOW = """\
# Grade the learner's solutions, workspace/<slug>.py, on every push and pull request.
#
# `grader export --student` writes this file into the learner copy of a course: it holds the
# grader's wheel (vendor/), the visible cases and their expected outputs, and no reference
# solution and no hidden case. So this grades the visible cases only; the instructor grades the
# hidden ones from the course repository (`grader grade --many`, see docs/ci/README.md there).
#
# It needs no secret: it never runs on `pull_request_target`, the token is read-only and the
# checkout does not keep it, so a fork's pull request gets neither a secret nor a writing token.
name: grade

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  grade:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the grader
        run: python -m pip install -r requirements.txt
      - name: Grade workspace/ on the visible cases
        # an error in learner code becomes an annotation at its line; the points go to the summary
        run: grader grade workspace --format junit --output grade-report.xml
      - name: Keep the report
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: grade-report
          path: grade-report.xml
"""
