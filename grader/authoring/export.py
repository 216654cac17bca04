"""``grader export --student``: a learner's repository with no reference and no hidden case.

Each problem keeps its metadata, statement and stub; its cases.toml keeps only the visible
cases, and expected.json holds their expected outputs (read by ``load_published_expected``).
Around problems/ go the files that make it a repository a learner installs and is graded from
(grader/authoring/learner_repo.py).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.authoring.learner_repo import write_learner_repo
from grader.authoring.wheel import WheelError
from grader.course.catalogue import Problem, load_catalogue
from grader.engine import wire
from grader.engine.runner import RunOptions
from grader.errors import GraderError
from grader.grading.trusted import compute_expected

EXPECTED_FORMAT = 1


class ExportError(GraderError):
    """The distribution cannot be written (non-empty folder, broken problem, ...)."""


@dataclass(frozen=True)
class Exported:
    outdir: Path
    slugs: tuple[str, ...]
    visible_cases: int
    files: tuple[Path, ...] = ()  # the repository files written around problems/


def export_student(
    root: Path,
    outdir: Path,
    force: bool = False,
    options: RunOptions = RunOptions(),
    progress=None,
    workflow: bool = True,
) -> Exported:
    """Write the learner repository of the course at ``root`` into ``outdir``: the problems, the
    grader's wheel with a requirements.txt, a README, workspace/ and (with ``workflow``) a GitHub
    workflow grading workspace/ on the visible cases."""
    say = progress or (lambda message: None)
    root, outdir = root.resolve(), outdir.resolve()
    _check_outdir(root, outdir, force)
    catalogue = load_catalogue(root)
    if catalogue.broken:
        slug, findings = next(iter(catalogue.broken.items()))
        raise ExportError(f"problem {slug!r} is broken: {findings[0]} (run `grader validate {slug}`)")
    shutil.rmtree(outdir / "problems", ignore_errors=True)  # no stale file of an earlier export
    count = 0
    for problem in catalogue.problems:
        say(f"{problem.slug}: computing expected outputs")
        count += _export_problem(problem, outdir / "problems" / problem.slug, options)
    say("packing the grader for learners")
    try:
        files = write_learner_repo(outdir, catalogue.problems, workflow)
    except WheelError as exc:
        raise ExportError(str(exc)) from None
    return Exported(outdir, tuple(p.slug for p in catalogue.problems), count, tuple(files))


def _check_outdir(root: Path, outdir: Path, force: bool) -> None:
    if outdir == root or outdir in root.parents:
        raise ExportError(f"{outdir} holds the course itself; choose a new folder")
    if outdir.exists() and not outdir.is_dir():
        raise ExportError(f"{outdir} is a file, not a folder")
    if (outdir / "reference").exists():
        raise ExportError(f"{outdir} holds a reference/ folder; a learner distribution must not")
    if outdir.is_dir() and any(outdir.iterdir()) and not force:
        raise ExportError(f"{outdir} is not empty; pass --force to write into it anyway")


def _export_problem(problem: Problem, dest: Path, options: RunOptions) -> int:
    visible = [c for c in problem.cases() if not c.hidden]
    if not visible:
        raise ExportError(f"problem {problem.slug!r} has no visible case to publish (run `grader validate`)")
    expected = compute_expected(problem, options)
    dest.mkdir(parents=True)
    for path in (problem.folder / "problem.toml", problem.statement_path, problem.stub_path):
        shutil.copyfile(path, dest / path.name)
    (dest / "cases.toml").write_text(visible_cases_toml(visible), encoding="utf-8")
    # one dict value: its items are the per-case specs, all indexing one buffer list
    spec, buffers = wire.encode_value(
        {c.id: expected.reference[c.id] for c in visible}, wire.classify_decoded, 1 << 40
    )
    published = {
        "format_version": EXPECTED_FORMAT,
        "outputs": spec["items"],
        "buffers": [b.hex() for b in buffers],
    }
    (dest / "expected.json").write_text(json.dumps(published), encoding="utf-8")
    return len(visible)


def visible_cases_toml(cases) -> str:
    """cases.toml text holding exactly these cases, inputs written back as TOML."""
    lines = ["format_version = 1", ""]
    for case in cases:
        lines += [
            "[[cases]]",
            f"id = {_toml(case.id)}",
            f"visibility = {_toml(case.visibility)}",
            f"points = {_toml(case.points)}",
            "[cases.inputs]",
        ]
        lines += [f"{name} = {_toml(value)}" for name, value in case.inputs.items()]
        lines.append("")
    return "\n".join(lines)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
