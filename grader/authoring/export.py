"""``grader export --student``: a learner distribution with no reference and no hidden case.

Each problem keeps its metadata, statement and stub; its cases.toml keeps only the visible
cases, and expected.json holds their expected outputs (read by ``load_published_expected``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from grader.engine import wire
from grader.course.catalogue import Problem, load_catalogue
from grader.engine.runner import RunOptions
from grader.grading.trusted import compute_expected
from grader.errors import GraderError

EXPECTED_FORMAT = 1


class ExportError(GraderError):
    """The distribution cannot be written (non-empty folder, broken problem, ...)."""


@dataclass(frozen=True)
class Exported:
    outdir: Path
    slugs: tuple[str, ...]
    visible_cases: int


def export_student(root: Path, outdir: Path, force: bool = False, options: RunOptions = RunOptions(),
                   progress=None) -> Exported:
    """Write the learner distribution of the course at ``root`` into ``outdir``."""
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
    (outdir / "README.md").write_text(README.format(count=len(catalogue.problems)), encoding="utf-8")
    return Exported(outdir, tuple(p.slug for p in catalogue.problems), count)


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
    spec, buffers = wire.encode_value({c.id: expected.reference[c.id] for c in visible}, _classify, 1 << 40)
    published = {"format_version": EXPECTED_FORMAT, "outputs": spec["items"], "buffers": [b.hex() for b in buffers]}
    (dest / "expected.json").write_text(json.dumps(published), encoding="utf-8")
    return len(visible)


def _classify(value):
    if isinstance(value, wire.ArrayValue):
        return value.origin, value.data
    return None


def visible_cases_toml(cases) -> str:
    """cases.toml text holding exactly these cases, inputs written back as TOML."""
    lines = ["format_version = 1", ""]
    for case in cases:
        lines += ["[[cases]]", f"id = {_toml(case.id)}", f"visibility = {_toml(case.visibility)}",
                  f"points = {_toml(case.points)}", "[cases.inputs]"]
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


README = """\
# JAX and Flax practice problems

{count} problems to solve. Install the grader (the `jax-flax-grader` package), then in this folder:

    grader list                 # the problems, in order
    grader show SLUG            # read a problem
    grader check SLUG           # grade your copy in workspace/SLUG.py
    grader hint SLUG            # one more hint

`grader check` here runs the visible cases only; hidden cases are graded elsewhere.
"""
