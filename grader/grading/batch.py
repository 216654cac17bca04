"""Grade submission folders: one learner's (``grader grade DIR``) or a whole class (``--many ROOT``).

Each learner's files are read once, before any learner code runs, into a private folder of
their own (regular files only, opened without following links, up to the size limit: see
grader/course/learner_file.py); the expected outputs are computed (or read from the trusted cache) before that too,
and handed to every grading in memory. Each learner's files run together in worker processes of
their own (never another learner's), with a private compilation cache copied from the one trusted
runs wrote, so one learner's code cannot reach another's result through a shared process or file. A private copy that changed while others ran is graded again,
alone, from the snapshot.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from grader.course.catalogue import Catalogue, Problem
from grader.course.learner_file import NotGradable, open_folder, read_file, write_private
from grader.engine.pool import WorkerPool
from grader.grading.assess import (
    GradeOptions,
    Submission,
    grade_files,
    load_published_expected,
    max_submission_bytes,
)
from grader.grading.results import ProblemResult
from grader.grading.submission import ProblemGrade, SubmissionResult, not_submitted, refused
from grader.grading.trusted import Expected, compute_expected, trusted_jax_cache

Progress = Callable[[int, int], None]  # (pairs graded so far, pairs in all)
LEARNER_REPO_FILES = (
    "workspace"  # where a learner repository keeps its solutions (grader/authoring/learner_repo.py)
)


@dataclass(frozen=True)
class BatchOptions:
    grade: GradeOptions = GradeOptions()
    jobs: int = 1


@dataclass(frozen=True)
class Learner:
    name: str
    folder: Path
    shown: str  # the folder as the user named it, used in messages and annotations


def select_problems(catalogue: Catalogue, slugs: list[str] | None) -> list[Problem]:
    """The problems to grade, in track order; raises LookupError or MetadataError for a bad slug."""
    if not slugs:
        if catalogue.broken:
            slug, findings = next(iter(catalogue.broken.items()))
            raise LookupError(f"problem {slug!r} is broken: {findings[0]} (run `grader validate {slug}`)")
        return list(catalogue.problems)
    wanted = [catalogue.get(slug) for slug in dict.fromkeys(slugs)]
    return sorted(wanted, key=lambda p: (p.position, p.slug))


def discover_learners(root: Path, shown_root: str) -> list[Learner]:
    """Every ``ROOT/<learner>/`` folder, sorted by name (hidden and ``_`` folders left out). A
    symbolic link there is a learner too, whose every problem is refused (see ``_grade_all``).
    A learner folder that is a clone of a learner repository is graded in its ``workspace/``."""
    root = Path(os.path.abspath(root))  # ROOT is the caller's (even a link); what is in it is the learners'
    found = [
        p for p in root.iterdir() if not p.name.startswith((".", "_")) and (p.is_symlink() or p.is_dir())
    ]
    learners = [learner_at(p, f"{shown_root.rstrip('/')}/{learner_label(p.name)}") for p in found]
    return sorted(learners, key=lambda learner: learner.name)


def learner_at(folder: Path, shown: str) -> Learner:
    """The learner whose folder is ``folder`` (``grade DIR``), named after the folder itself,
    not after where a link would lead. When ``folder`` holds a ``workspace`` entry (a learner
    repository made by ``grader export --student``), their files are the ones in it."""
    name = learner_label(Path(os.path.abspath(folder)).name or str(folder))
    # a link as the learner folder is refused whole, so never look through it for a workspace
    if not os.path.islink(folder) and os.path.lexists(os.path.join(folder, LEARNER_REPO_FILES)):
        return Learner(name, Path(folder) / LEARNER_REPO_FILES, f"{shown.rstrip('/')}/{LEARNER_REPO_FILES}")
    return Learner(name, folder, shown)


def learner_label(name: str) -> str:
    """A learner folder's name as every output shows it (gradebook CSV and JSON, text, summary):
    itself when it is printable UTF-8 without a backslash; otherwise each backslash doubled, each
    byte that is not UTF-8 written ``\\xNN`` and each unprintable character ``\\uNNNN``, so that
    two folders never share a label."""
    text = os.fsencode(name).replace(b"\\", b"\\\\").decode("utf-8", errors="backslashreplace")
    return "".join(
        c if c.isprintable() else f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in text
    )


def parse_shard(text: str) -> tuple[int, int]:
    """``K/N`` with 1 <= K <= N; raises ValueError with a message for the user."""
    k, sep, n = text.partition("/")
    if not sep or not k.strip().isdigit() or not n.strip().isdigit():
        raise ValueError(f"--shard must look like K/N (for instance 2/4), not {text!r}")
    index, count = int(k), int(n)
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"--shard {text}: K must be between 1 and N")
    return index, count


def select_shard(learners: list[Learner], index: int, count: int) -> list[Learner]:
    """The K-th of N deterministic slices: every N-th learner in name order, starting at K."""
    ordered = sorted(learners, key=lambda learner: learner.name)
    return ordered[index - 1 :: count]


def expected_outputs(problems: list[Problem], options: GradeOptions) -> dict[str, Expected]:
    """Expected outputs of every problem, from trusted processes; raises GraderError."""
    return {
        p.slug: (
            compute_expected(p, options.run, options.use_cache)
            if p.has_reference
            else load_published_expected(p)
        )
        for p in problems
    }


def grade_folder(
    problems: list[Problem],
    folder: Path,
    shown: str,
    options: BatchOptions = BatchOptions(),
    progress: Progress | None = None,
) -> SubmissionResult:
    """Grade ``folder/<slug>.py`` for every problem; a missing file scores 0 as not submitted."""
    learner = Learner(Path(shown).name or str(folder), folder, shown)
    return grade_learners(problems, [learner], options, progress)[0]


def grade_learners(
    problems: list[Problem],
    learners: list[Learner],
    options: BatchOptions = BatchOptions(),
    progress: Progress | None = None,
) -> list[SubmissionResult]:
    """Grade every learner on every problem, ``options.jobs`` pairs at a time. Raises GraderError
    when a problem itself cannot be graded."""
    limit = max_submission_bytes(options.grade)
    expected = expected_outputs(problems, options.grade)
    with WorkerPool() as pool:
        # the learners' own processes: warm but never reused (one run each), each run with a
        # private compilation cache copied from the trusted one (see worker.seed_jax_cache)
        learner_options = replace(
            options.grade,
            use_cache=False,
            run=replace(options.grade.run, workers=pool, jax_cache_seed=str(trusted_jax_cache())),
        )
        return _grade_all(problems, learners, options.jobs, learner_options, expected, progress, limit)


# a learner's file to grade: (problem index, private copy, its bytes, its name as the learner sees it)
_Item = tuple[int, Path, bytes, str]


def _grade_all(
    problems: list[Problem],
    learners: list[Learner],
    jobs_at_once: int,
    learner_options: GradeOptions,
    expected: dict[str, Expected],
    progress: Progress | None,
    limit: int,
) -> list[SubmissionResult]:
    grid: list[list[ProblemGrade | None]] = [[None] * len(problems) for _ in learners]  # learner, problem
    private: list[Path] = []
    try:
        jobs: list[tuple[int, int, Path, bytes, str]] = []
        for li, learner in enumerate(learners):
            folder = Path(tempfile.mkdtemp(prefix="grader-learner-"))
            private.append(folder)
            try:  # the learner's folder itself must be a folder, not a link to one
                opened: int | NotGradable = open_folder(learner.folder, learner.shown)
            except FileNotFoundError:
                opened = NotGradable(f"{learner.shown} is missing")
            except NotGradable as exc:
                opened = exc
            try:
                for pi, problem in enumerate(problems):
                    job = _snapshot(learner, problem, folder, opened, limit)
                    if isinstance(job, ProblemGrade):
                        grid[li][pi] = job
                    else:
                        jobs.append((li, pi, *job))
            finally:
                if isinstance(opened, int):
                    os.close(opened)
        total = len(learners) * len(problems)
        done = total - len(jobs)
        if progress:
            progress(done, total)

        def run(li: int, items: list[_Item]) -> list[tuple[_Item, ProblemResult, bool]]:
            """Grade one learner's files together in worker processes of their own."""
            submissions = [Submission(problems[pi], path, shown, data) for pi, path, data, shown in items]
            results = grade_files(
                submissions, learner_options, {s.problem.slug: expected[s.problem.slug] for s in submissions}
            )
            return [
                (item, result, _digest(item[1]) == hashlib.sha256(item[2]).hexdigest())
                for item, result in zip(items, results, strict=True)
            ]

        by_learner: dict[int, list[_Item]] = {}
        for li, pi, path, data, shown in jobs:
            by_learner.setdefault(li, []).append((pi, path, data, shown))
        tampered: list[tuple[int, _Item]] = []
        with ThreadPoolExecutor(max_workers=max(1, jobs_at_once)) as threads:
            futures = {threads.submit(run, li, items): li for li, items in by_learner.items()}
            for future in as_completed(futures):
                li = futures[future]
                for item, result, intact in future.result():
                    if not intact:
                        tampered.append((li, item))
                        continue
                    pi, _, _, shown = item
                    grid[li][pi] = ProblemGrade(result, problems[pi].weight, shown)
                    done += 1
                if progress:
                    progress(done, total)
        for li, item in tampered:  # alone now: nothing else runs while the copy is graded again
            pi, path, data, shown = item
            write_private(path.parent, path.name, data)
            [(_, result, _)] = run(li, [item])
            grid[li][pi] = ProblemGrade(result, problems[pi].weight, shown)
            done += 1
            if progress:
                progress(done, total)
    finally:
        for folder in private:
            shutil.rmtree(folder, ignore_errors=True)
    results = []
    for learner, row in zip(learners, grid, strict=True):
        graded = [g for g in row if g is not None]
        assert len(graded) == len(row)  # every pair was either refused or graded above
        results.append(SubmissionResult(learner.name, graded, sum(g.result.seconds for g in graded)))
    return results


def _snapshot(
    learner: Learner, problem: Problem, private: Path, folder: int | NotGradable, limit: int
) -> ProblemGrade | tuple[Path, bytes, str]:
    """Copy the learner's file into their private folder, or say why it will not be run.
    ``folder`` is a descriptor of the learner's folder, or why it could not be opened."""
    name = f"{problem.slug}.py"
    shown = f"{learner.shown.rstrip('/')}/{name}"
    cases = [c for c in problem.cases() if problem.has_reference or not c.hidden]
    try:
        if isinstance(folder, NotGradable):
            raise folder
        data = read_file(name, shown, limit, dir_fd=folder)
    except FileNotFoundError:
        return ProblemGrade(not_submitted(problem.slug, problem.title, cases, shown), problem.weight, shown)
    except NotGradable as exc:
        return ProblemGrade(refused(problem.slug, problem.title, cases, str(exc)), problem.weight, shown)
    return write_private(private, name, data), data, shown


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""
