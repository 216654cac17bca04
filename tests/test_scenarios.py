"""Golden scenarios: every learner submission under tests/scenarios/<slug>/ is graded through the
real CLI, and its status (and the known mistake it makes) must be what its first line says."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import COURSE, FIXTURES, REPO, read_directive, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

SCENARIOS = sorted((REPO / "tests" / "scenarios").glob("*/*.py"))
FAULTS = sorted((FIXTURES / "faults").glob("*.py"))
SLUGS = sorted({p.parent.name for p in SCENARIOS})


def _grade(job):
    slug, path, root = job
    # as a learner at a terminal is graded: workers forked by the check daemon (the hostile
    # suite covers both ways of starting workers)
    return run_cli("--root", str(root), "check", slug, "--file", str(path), "--format", "json",
                   env={"GRADER_DAEMON": "1"})


@pytest.fixture(scope="module")
def graded(request):
    """Grade every scenario the selected tests need once, two checks at a time (so that
    ``-k zero-layer`` grades only that problem's files)."""
    jobs = [(p.parent.name, p, REPO) for p in SCENARIOS]
    jobs += [("scale-by", p, COURSE) for p in FAULTS]
    jobs += [(slug, REPO / "reference" / slug / "solution.py", REPO) for slug in SLUGS]
    jobs += [(slug, REPO / "problems" / slug / "stub.py", REPO) for slug in SLUGS]
    jobs += [("scale-by", COURSE / "reference" / "scale-by" / "solution.py", COURSE)]
    selected = " ".join(item.nodeid for item in request.session.items)
    jobs = [j for j in jobs if j[0] in selected or j[1].stem in selected]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(zip([j[1] for j in jobs], pool.map(_grade, jobs), strict=True))
    return results


def _check(graded, path: Path, status: str, pitfall: str | None):
    result = graded[path]
    assert result.stderr.strip() == "" or result.code != 2, result.stderr
    report = result.json()
    case_statuses = [c["status"] for c in report["cases"]]
    assert report["status"] == status, (path.name, report["status"], [c["message"] for c in report["cases"]])
    assert result.code == (0 if status == "passed" else 1)
    if status == "passed":
        assert set(case_statuses) == {"passed"}
        assert report["score"] == report["max_score"] > 0
    else:
        assert report["score"] < report["max_score"]
    if pitfall is not None:
        named = {c["pitfall"] for c in report["cases"]}
        assert pitfall in named, (path.name, named)
        assert any(pitfall and c["pitfall"] == pitfall and c["message"] for c in report["cases"])
    elif status != "passed":
        # a submission that is wrong in a way no pitfall describes must not be told it is one
        assert all(c["pitfall"] is None for c in report["cases"]) or pitfall is None


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_seed_scenario(graded, path):
    status, pitfall = read_directive(path)
    _check(graded, path, status, pitfall)


@pytest.mark.parametrize("path", FAULTS, ids=lambda p: p.stem)
def test_runner_fault(graded, path):
    status, pitfall = read_directive(path)
    _check(graded, path, status, pitfall)


@pytest.mark.parametrize("slug", SLUGS)
def test_reference_passes_every_case(graded, slug):
    report = graded[REPO / "reference" / slug / "solution.py"].json()
    assert report["status"] == "passed"
    assert len(report["cases"]) >= 8
    assert {c["visibility"] for c in report["cases"]} == {"visible", "hidden"}


@pytest.mark.parametrize("slug", SLUGS)
def test_untouched_stub_is_not_implemented(graded, slug):
    result = graded[REPO / "problems" / slug / "stub.py"]
    assert result.json()["status"] == "not_implemented"
    assert result.code == 1


def test_every_problem_has_scenarios():
    assert SLUGS == sorted(p.name for p in (REPO / "problems").iterdir() if (p / "problem.toml").is_file())
    for slug in SLUGS:
        directives = [read_directive(p) for p in SCENARIOS if p.parent.name == slug]
        assert sum(1 for s, _ in directives if s == "passed") >= 3, slug
        assert sum(1 for s, _ in directives if s != "passed") >= 3, slug


def _first_pitfall_scenario(slug):
    for path in SCENARIOS:
        if path.parent.name == slug and read_directive(path)[1]:
            return path
    raise AssertionError(f"{slug} has no scenario that makes a known mistake")


@pytest.mark.parametrize("slug", SLUGS)
def test_known_mistake_is_named_in_text_output(graded, slug):
    """The text verdict carries the pitfall's own message, as the JSON one does."""
    import tomllib

    path = _first_pitfall_scenario(slug)
    _, pitfall = read_directive(path)
    with open(REPO / "reference" / slug / "pitfalls.toml", "rb") as fh:
        messages = {p["id"]: p["message"] for p in tomllib.load(fh)["pitfalls"]}
    text = run_cli("check", slug, "--file", str(path))
    assert text.code == 1
    flat = " ".join(text.stdout.split())
    assert "Known mistake" in flat
    assert " ".join(messages[pitfall].split()) in flat
    report = graded[path].json()
    assert any(messages[pitfall] in c["message"] for c in report["cases"] if c["pitfall"] == pitfall)


REQUIREMENT_SCENARIO = REPO / "tests" / "scenarios" / "nnx-state-transform" / "cheat_constant_ones.py"


def test_unmet_requirement_is_an_entry_in_every_format(tmp_path):
    """A requirement is graded as its own entry, with its message, in JSON, text and JUnit."""
    import tomllib

    with open(REPO / "problems" / "nnx-state-transform" / "problem.toml", "rb") as fh:
        message = {r["id"]: r["message"] for r in tomllib.load(fh)["requirements"]}["runs-the-model"]
    report = run_cli("check", "nnx-state-transform", "--file", str(REQUIREMENT_SCENARIO), "--format", "json").json()
    entries = {c["id"]: c for c in report["cases"]}
    assert entries["requirement:runs-the-model"]["status"] == "failed"
    assert entries["requirement:runs-the-model"]["message"].startswith(message)
    assert all(c["status"] == "passed" for c in report["cases"] if not c["id"].startswith("requirement:"))
    text = run_cli("check", "nnx-state-transform", "--file", str(REQUIREMENT_SCENARIO))
    assert text.code == 1 and "requirement:runs-the-model" in text.stdout
    assert " ".join(message.split()) in " ".join(text.stdout.split())
    (tmp_path / "nnx-state-transform.py").write_text(REQUIREMENT_SCENARIO.read_text())
    junit = run_cli("grade", str(tmp_path), "--problems", "nnx-state-transform", "--format", "junit")
    assert junit.code == 1 and 'name="requirement:runs-the-model"' in junit.stdout


CHEATS = [p for p in SCENARIOS if p.stem.startswith("cheat_")]


def test_every_seed_problem_has_three_answers_that_do_no_work():
    for slug in SLUGS:
        assert sum(1 for p in CHEATS if p.parent.name == slug) >= 3, slug


@pytest.mark.parametrize("path", CHEATS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_answer_that_does_no_work_is_told_what_is_missing(graded, path):
    """Not passed, and told why in words: a known mistake's message or an unmet requirement's."""
    report = graded[path].json()
    assert report["status"] != "passed"
    told = [c for c in report["cases"] if c["status"] != "passed"
            and (c["pitfall"] is not None or c["id"].startswith("requirement:"))]
    assert told and all(c["message"] for c in told), [c["message"] for c in report["cases"]]
