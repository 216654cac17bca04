"""Golden scenarios: every learner submission under tests/submissions/scenarios/<slug>/ is graded through the
real CLI, and its status (and the known mistake it makes) must be what its first line says.

The files are graded as a class would be: a folder per scenario index holding that scenario of
every problem, one ``grader grade`` each (one learner's workers run many problems' files), instead
of one ``grader check`` per file."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import COURSE, FAULTS, REPO, SCENARIOS, read_directive, run_cli

pytestmark = pytest.mark.slow  # real workers or the CLI: left out of the quick loop (-m "not slow")

SCENARIO_FILES = sorted(SCENARIOS.glob("*/*.py"))
FAULT_FILES = sorted(FAULTS.glob("*.py"))
SLUGS = sorted({p.parent.name for p in SCENARIO_FILES})


@dataclass
class Verdict:
    """One file's JSON verdict and the command that gave it: ``check`` for that file alone, or
    ``grade DIR`` for a folder holding one file of each problem (then ``code`` is the folder's)."""

    report: dict
    code: int
    stderr: str
    alone: bool

    def json(self) -> dict:
        return self.report


def _check_one(job) -> dict:
    slug, path, root = job
    # as a learner at a terminal is graded: workers forked by the check daemon (the hostile
    # suite covers both ways of starting workers)
    result = run_cli(
        "--root",
        str(root),
        "check",
        slug,
        "--file",
        str(path),
        "--format",
        "json",
        env={"GRADER_DAEMON": "1"},
    )
    return {path: Verdict(result.json() if result.code != 2 else {}, result.code, result.stderr, alone=True)}


def _grade_folder(job) -> dict:
    folder, files = job  # files: {slug: the scenario, reference or stub copied to folder/<slug>.py}
    result = run_cli("grade", str(folder), "--problems", ",".join(files), "--format", "json", timeout=1800)
    if result.code == 2:
        return {path: Verdict({}, result.code, result.stderr, alone=False) for path in files.values()}
    by_slug = {p["problem"]: p for p in result.json()["problems"]}
    return {
        path: Verdict(by_slug[slug], result.code, result.stderr, alone=False) for slug, path in files.items()
    }


def _folders(files: list[tuple[str, Path]], root: Path) -> list[tuple[Path, dict]]:
    """Lay the learner files out as a class: folder k holds the k-th file of every problem (so
    each ``grade`` runs many problems' files in one learner's workers), references (half the
    problems in each of two folders) and stubs in folders of their own."""
    layout: dict[str, dict[str, Path]] = {}
    for slug, path in files:
        if path.name == "solution.py":
            name = f"reference-{len(layout.get('reference-1', {})) - len(layout.get('reference-2', {})) + 1}"
        elif path.name == "stub.py":
            name = "stub"
        else:
            name = f"k{len([n for n, f in layout.items() if n.startswith('k') and slug in f]):02d}"
        layout.setdefault(name, {})[slug] = path
    jobs = []
    for name, chosen in sorted(layout.items()):
        folder = root / name
        folder.mkdir()
        for slug, path in chosen.items():
            shutil.copyfile(path, folder / f"{slug}.py")
        jobs.append((folder, chosen))
    return jobs


@pytest.fixture(scope="module")
def graded(request, tmp_path_factory):
    """Grade every file the selected tests need once (so that ``-k zero-layer`` grades only that
    problem's files), two commands at a time: the course's scenarios, references and stubs a
    folder of many problems at a time through ``grader grade``; the runner faults, which attack
    their own process, and a file with no other problem's beside it, alone through ``grader check``."""
    selected = " ".join(item.nodeid for item in request.session.items)
    course = [
        (p.parent.name, p)
        for p in SCENARIO_FILES
        if f"{p.parent.name}/{p.stem}" in selected
        or (
            f"named_in_text_output[{p.parent.name}]" in selected
            and p == _first_pitfall_scenario(p.parent.name)
        )
    ]
    course += [(slug, REPO / "reference" / slug / "solution.py") for slug in SLUGS if slug in selected]
    course += [(slug, REPO / "problems" / slug / "stub.py") for slug in SLUGS if slug in selected]
    folders = _folders(course, tmp_path_factory.mktemp("class"))
    alone = [("scale-by", p, COURSE) for p in FAULT_FILES if p.stem in selected]
    alone += [(slug, path, REPO) for _, files in folders if len(files) == 1 for slug, path in files.items()]
    jobs = [(_grade_folder, job) for job in folders if len(job[1]) > 1] + [(_check_one, job) for job in alone]
    # the references first, on their own: each problem's expected outputs are computed once
    # (two problems at a time), before the other folders' grading reads them from the cache
    first = [job for job in jobs if job[0] is _grade_folder and job[1][0].name.startswith("reference-")]
    results: dict = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for phase in (first, [job for job in jobs if job not in first]):
            for found in pool.map(lambda job: job[0](job[1]), phase):
                results.update(found)
    return results


def _check(graded, path: Path, status: str, pitfall: str | None):
    result = graded[path]
    assert result.code != 2, result.stderr
    report = result.json()
    case_statuses = [c["status"] for c in report["cases"]]
    assert report["status"] == status, (path.name, report["status"], [c["message"] for c in report["cases"]])
    if result.alone:
        assert result.code == (0 if status == "passed" else 1)
    elif status != "passed":
        assert result.code == 1  # the folder it was graded in did not pass
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


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_seed_scenario(graded, path):
    status, pitfall = read_directive(path)
    _check(graded, path, status, pitfall)


@pytest.mark.parametrize("path", FAULT_FILES, ids=lambda p: p.stem)
def test_runner_fault(graded, path):
    status, pitfall = read_directive(path)
    _check(graded, path, status, pitfall)


@pytest.mark.parametrize("slug", SLUGS)
def test_reference_passes_every_case(graded, slug):
    result = graded[REPO / "reference" / slug / "solution.py"]
    report = result.json()
    assert report["status"] == "passed"
    assert result.code == 0  # graded beside other references only: every one passed
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
        directives = [read_directive(p) for p in SCENARIO_FILES if p.parent.name == slug]
        assert sum(1 for s, _ in directives if s == "passed") >= 3, slug
        assert sum(1 for s, _ in directives if s != "passed") >= 3, slug


def _first_pitfall_scenario(slug):
    for path in SCENARIO_FILES:
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
    text = run_cli("check", slug, "--file", str(path), env={"GRADER_DAEMON": "1"})
    assert text.code == 1
    flat = " ".join(text.stdout.split())
    assert "Known mistake" in flat
    assert " ".join(messages[pitfall].split()) in flat
    report = graded[path].json()
    assert any(messages[pitfall] in c["message"] for c in report["cases"] if c["pitfall"] == pitfall)


REQUIREMENT_SCENARIO = SCENARIOS / "nnx-state-transform" / "cheat_constant_ones.py"


def test_unmet_requirement_is_an_entry_in_every_format(tmp_path):
    """A requirement is graded as its own entry, with its message, in JSON, text and JUnit."""
    import tomllib

    with open(REPO / "problems" / "nnx-state-transform" / "problem.toml", "rb") as fh:
        message = {r["id"]: r["message"] for r in tomllib.load(fh)["requirements"]}["runs-the-model"]
    report = run_cli(
        "check", "nnx-state-transform", "--file", str(REQUIREMENT_SCENARIO), "--format", "json"
    ).json()
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


CHEATS = [p for p in SCENARIO_FILES if p.stem.startswith("cheat_")]


def test_every_seed_problem_has_three_answers_that_do_no_work():
    for slug in SLUGS:
        assert sum(1 for p in CHEATS if p.parent.name == slug) >= 3, slug


@pytest.mark.parametrize("path", CHEATS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_answer_that_does_no_work_is_told_what_is_missing(graded, path):
    """Not passed, and told why in words: a known mistake's message or an unmet requirement's."""
    report = graded[path].json()
    assert report["status"] != "passed"
    told = [
        c
        for c in report["cases"]
        if c["status"] != "passed" and (c["pitfall"] is not None or c["id"].startswith("requirement:"))
    ]
    assert told and all(c["message"] for c in told), [c["message"] for c in report["cases"]]
