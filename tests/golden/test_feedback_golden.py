"""What a learner reads at an 80-column terminal for the usual mistakes on each seed problem:
one diagnosis per way of failing, one traceback, a fix, and a bounded length.

Learner files are in tests/submissions/feedback/<slug>/ (pitfalls reuse tests/submissions/scenarios/); the
verdicts are in tests/golden/expected/feedback/<slug>/. Regenerate with
``GRADER_UPDATE_GOLDEN=1 pytest tests/golden/test_feedback_golden.py`` and read the diff before committing.
All files are graded through the library by one kept worker, so the module stays cheap.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from grader.course.catalogue import load_catalogue
from grader.engine.live import LiveWorker
from grader.engine.runner import RunOptions
from grader.grading.assess import GradeOptions, grade_problem
from grader.reporters.text import render_check
from helpers import FEEDBACK, REPO, SCENARIOS
from helpers import GOLDEN as GOLDEN_ROOT

pytestmark = pytest.mark.slow  # real workers: left out of the quick loop (-m "not slow")

GOLDEN = GOLDEN_ROOT / "feedback"
LEARNER = FEEDBACK
# a known mistake per problem, from the scenarios graded by tests/golden/test_scenarios.py
PITFALLS = {
    "nnx-surgery-replace": "wrong_bias_filled_too",
    "nnx-surgery-zero-layer": "pitfall_zero_bias_too",
    "flax-surgery-zero": "zeroed_whole_last_layer",
    "nnx-state-transform": "wrong_kernel_in_raw_path_tuple",
    "nnx-surgery-add-layer": "copy_loop_stops_early",
}
KINDS = ("missing_cast", "wrong_type", "wrong_shape", "syntax_error", "pitfall")
# a Linen apply without {"params": ...}; a known mistake that explains most cases but not all
EXTRA = [
    ("flax-surgery-zero", "linen_params"),
    ("flax-surgery-zero", "off_by_one_layer_name"),
    ("nnx-surgery-replace", "wrong_signature"),
    ("nnx-surgery-replace", "missing_function"),
    ("nnx-surgery-replace", "import_error"),
]
FILES = [(slug, kind) for slug in PITFALLS for kind in KINDS] + EXTRA


def source(slug: str, kind: str) -> Path:
    if kind == "pitfall":
        return SCENARIOS / slug / f"{PITFALLS[slug]}.py"
    scenario = SCENARIOS / slug / f"{kind}.py"
    return scenario if scenario.exists() else LEARNER / slug / f"{kind}.py"


def normalise(text: str) -> str:
    """Trailing spaces and timings out: the verdict is what is compared."""
    text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    return re.sub(r"\d+(\.\d+)?\s?(ms|s)\b", "<time>", text)


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory) -> dict[tuple[str, str], str]:
    """Every file graded once, in one kept worker; the rendered text by (slug, kind)."""
    catalogue = load_catalogue(REPO)
    found = {}
    # one name for every file: a kept worker stays confined to the paths it started with
    folder = tmp_path_factory.mktemp("learner")
    with LiveWorker(max_runs=len(FILES) + 1) as live:
        options = GradeOptions(run=RunOptions(workers=live))
        for slug, kind in FILES:
            copy = folder / "learner.py"
            shutil.copyfile(source(slug, kind), copy)
            result = grade_problem(catalogue.get(slug), copy, display_name="learner.py", options=options)
            buf = io.StringIO()
            render_check(result, Console(file=buf, width=80, color_system=None, force_terminal=False))
            found[slug, kind] = normalise(buf.getvalue())
    return found


@pytest.mark.parametrize("slug,kind", FILES, ids=lambda v: v)
def test_verdict_matches_golden(verdicts, slug, kind):
    text = verdicts[slug, kind]
    path = GOLDEN / slug / f"{kind}.txt"
    if os.environ.get("GRADER_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def fixes(text: str) -> list[str]:
    return re.findall(r"^  (?:Try|Likely cause): ", text, re.M)


@pytest.mark.parametrize("slug,kind", [(s, k) for s in PITFALLS for k in KINDS], ids=lambda v: v)
def test_one_diagnosis_one_traceback_and_a_fix(verdicts, slug, kind):
    text = verdicts[slug, kind]
    lines = text.splitlines()
    assert len(lines) <= 30, text
    assert all(len(line) <= 80 for line in lines)
    assert text.count("Traceback (your code)") <= 1, text
    assert len(fixes(text)) == 1, text
    assert not re.search(r"^\d+\. ", text, re.M), text  # no numbered second diagnosis
    # no case repeats its own message in the table: the diagnosis tells it once
    assert len(re.findall(r"value\(s\) differ|cannot be interpreted", text)) <= 1, text


def test_a_mistake_that_explains_only_some_cases_is_told_beside_what_explains_the_rest(verdicts):
    text = verdicts["flax-surgery-zero", "off_by_one_layer_name"]
    assert re.search(r"^1\. Known mistake", text, re.M) and re.search(r"^2\. ", text, re.M)
    assert len(fixes(text)) == 2 and text.count("Known mistake ·") == 1


@pytest.mark.parametrize("slug", sorted(PITFALLS))
def test_a_syntax_error_shows_the_learners_line_and_a_caret(verdicts, slug):
    text = verdicts[slug, "syntax_error"]
    assert "frozen importlib" not in text
    line = re.search(r"learner\.py:(\d+)", text)
    assert line, text
    written = source(slug, "syntax_error").read_text().splitlines()[int(line[1]) - 1]
    assert written.strip() in text
    assert re.search(r"^ +\^$", text, re.M), text


def test_wrong_types_say_how_to_fix_them(verdicts):
    def said(slug, kind):
        return " ".join(verdicts[slug, kind].split())

    assert "jnp.asarray" in said("nnx-surgery-replace", "wrong_type")  # a list
    assert "`return` missing" in said("nnx-surgery-zero-layer", "wrong_type")  # None
    assert "stay in jax.numpy" in said("flax-surgery-zero", "wrong_type")  # a float64 numpy array
    assert "jnp.asarray" in said("nnx-state-transform", "wrong_type")  # a tuple
    assert 'model.apply({"params": params}, x)' in said("flax-surgery-zero", "linen_params")
    assert "define it as def replace_kernel(seed, x, features, replacement_value):" in said(
        "nnx-surgery-replace", "wrong_signature"
    )
    assert "def replace_kernel(seed, x, features, replacement_value)" in said(
        "nnx-surgery-replace", "missing_function"
    )
    assert "ModuleNotFoundError" in said("nnx-surgery-replace", "import_error")
    assert "Try: Check the module's spelling" in said("nnx-surgery-replace", "import_error")


def test_a_pitfall_is_told_once_and_never_beside_a_contradicting_one(verdicts):
    text = verdicts["nnx-surgery-add-layer", "pitfall"]
    assert "stopped one layer early" in text
    assert "swapped" not in text and "fresh init" not in text
    assert text.count("Known mistake ·") == 1
    assert "known mistake:" not in text.lower()  # the old prefix, said whatever happened
