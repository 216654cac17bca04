"""``grader init``: a new course folder for an instructor.

The folder gets the course layout (problems/, reference/), a README for learners, the grader's
wheel in vendor/ with a requirements.txt that installs it, CI files that install it that way and
check or grade this folder, a .gitignore, and either one small example problem (written through
``grader new``'s templates, so both commands lay out a problem the same way) or a copy of the
course bundled with this repository.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from grader.authoring.learner_repo import VENDOR, requirements_text
from grader.authoring.scaffold import ProblemText, case_tables, new_problem, pitfall_table
from grader.authoring.wheel import WheelError, build_wheel
from grader.course.catalogue import bundled_root, load_catalogue
from grader.errors import GraderError

EXAMPLE_SLUG = "softmax"
# package data: file in course_files/ -> where it goes in the new course
COURSE_FILES = {
    "README.md": "README.md",
    "gitignore": ".gitignore",
    "ci/README.md": "ci/README.md",
    "ci/gitlab-grade-class.yml": "ci/gitlab-grade-class.yml",
    "github/validate.yml": ".github/workflows/validate.yml",
}


class InitError(GraderError):
    """The course folder cannot be made (the folder is not empty, no course to copy, ...)."""


@dataclass(frozen=True)
class NewCourse:
    folder: Path
    slugs: tuple[str, ...]  # the problems it holds, in track order
    files: tuple[Path, ...]  # the course files written beside problems/ and reference/


def course_to_copy(root: Path | None = None) -> Path:
    """The course ``--from-bundled`` copies: ``root`` (--root), else $GRADER_ROOT, else the course
    of the repository checkout the grader runs from. An installed wheel ships no course, so
    there it must be named."""
    if root is not None:
        return root.resolve()
    if os.environ.get("GRADER_ROOT"):
        return Path(os.environ["GRADER_ROOT"]).resolve()
    bundled = bundled_root()
    if bundled is None:
        raise InitError(
            "this grader is installed without the bundled course; pass the folder of a clone "
            "of its repository with --root DIR (or GRADER_ROOT=DIR) to copy its problems"
        )
    return bundled


def init_course(folder: Path, copy_from: Path | None = None) -> NewCourse:
    """Make ``folder`` (new or empty) a course that ``grader validate`` passes: the example problem,
    or every problem of the course at ``copy_from``. Raises InitError and writes nothing when
    ``folder`` holds anything or ``copy_from`` is not a course."""
    folder = folder.resolve()
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file; choose a new or empty folder for the course")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(f"{folder} is not empty; choose a new or empty folder for the course")
    if copy_from is not None and not (copy_from / "problems").is_dir():
        raise InitError(f"{copy_from} holds no problems/ folder: there is no course to copy")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        wheel = build_wheel(folder / VENDOR)
    except WheelError as exc:
        raise InitError(str(exc)) from None
    if copy_from is None:
        (folder / "problems").mkdir()
        (folder / "reference").mkdir()
        new_problem(folder, EXAMPLE_SLUG, EXAMPLE)
    else:
        skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
        shutil.copytree(copy_from / "problems", folder / "problems", ignore=skip)
        if (copy_from / "reference").is_dir():
            shutil.copytree(copy_from / "reference", folder / "reference", ignore=skip)
        else:
            (folder / "reference").mkdir()
    requirements = folder / "requirements.txt"
    requirements.write_text(requirements_text(f"./{VENDOR}/{wheel.name}"), encoding="utf-8")
    written = [wheel, requirements]
    written += [
        _write_course_file(name, folder / target, folder.name) for name, target in COURSE_FILES.items()
    ]
    return NewCourse(folder, tuple(p.slug for p in load_catalogue(folder).problems), tuple(written))


def _write_course_file(name: str, path: Path, course_name: str) -> Path:
    text = files("grader.authoring").joinpath("course_files", *name.split("/")).read_text(encoding="utf-8")
    text = text.replace("@COURSE@", course_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# the example's cases.toml opens with why its cases are what they are
_EXAMPLE_CASES_INTRO = (
    "# One worked example that learners see; the hidden cases check other scores, among them\n"
    "# scores so large that exp() overflows in float32.\n"
)

# The example problem: small enough to read in a minute, complete enough that `grader validate`
# has something to check in every file (a visible and hidden cases, a pitfall a hidden case catches).
EXAMPLE = ProblemText(
    title="Softmax that survives large scores",
    difficulty="easy",
    summary="Turn a vector of scores into probabilities without overflowing.",
    hints=(
        "Subtracting the same number from every score does not change the softmax.",
        "Subtract jnp.max(x) before jnp.exp: the largest exponent is then exp(0) = 1, which cannot overflow.",
    ),
    args_note="",
    statement="""\
Write `{entry}(x)`. `x` is a 1-D float32 array of scores; return a float32 array of the same shape
whose entry `i` is `exp(x[i]) / sum(exp(x))`: positive numbers that add up to 1.

Scores can be large, like the logits of a confident model. In float32 `exp(1000.0)` is `inf`,
and the formula written as it stands then returns `nan`. Your answer must not.

## Example

`{entry}([1.0, 2.0, 3.0])` returns `[0.09003057, 0.24472848, 0.66524094]`.
""",
    contract="""Softmax of the scores x: positive entries that sum to 1.

    x is a 1-D float32 array; the result is a float32 array of the same shape.""",
    solution="""\
    # subtracting the maximum changes nothing mathematically and keeps every exponent <= 0
    z = jnp.exp(x - jnp.max(x))
    return z / jnp.sum(z)
""",
    cases=_EXAMPLE_CASES_INTRO
    + case_tables(
        ("worked-example", "visible", "[1.0, 2.0, 3.0]"),
        ("random-scores", "hidden", '{{ random = "normal", shape = [3], seed = 0 }}'),
        ("large-scores", "hidden", "[1000.0, 1001.0, 1002.0]"),
    ),
    pitfalls=pitfall_table(
        "exp-overflows",
        "Your result is nan for large scores: exp() overflowed to inf. "
        "Subtract the largest score before exponentiating.",
        "exp_overflows",
    ),
    pitfall_code="""\

def exp_overflows(x):
    # the formula as written: exp(1000.0) is inf in float32, and inf / inf is nan
    z = jnp.exp(x)
    return z / jnp.sum(z)
""",
)
