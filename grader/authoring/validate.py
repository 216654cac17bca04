"""Check that problems are fit to grade: metadata, signatures, stub, reference, and case strength.

Checks that only read files come first. Code runs (in worker processes, never here) only when
those are clean, because a broken file makes every later check say the same thing louder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.authoring.probes import (
    caught_by,
    load_accepted_probes,
    load_statement_values,
    plan_probes,
    probe_findings,
    run_probes,
)
from grader.authoring.scaffold import PLACEHOLDER
from grader.course.catalogue import (
    Case,
    Pitfall,
    Problem,
    Progress,
    build_args,
    load_cases,
    load_catalogue,
    load_pitfalls,
    load_problem,
    map_problems,
    problem_folders,
)
from grader.course.schema import Finding, HasFindings, MetadataError
from grader.course.signatures import SourceError, mismatch, top_level_functions
from grader.engine.runner import RunOptions
from grader.errors import GraderError
from grader.grading.assess import GradeOptions, grade_problem
from grader.grading.compare import compare_tree, outputs_equal
from grader.grading.requirements import Requirement, load_requirements
from grader.grading.results import CaseStatus, ProblemResult, ProblemStatus
from grader.grading.trusted import Expected, Raised, run_trusted, store_expected, trusted_jax_cache


@dataclass(frozen=True)
class ValidateOptions:
    run: RunOptions = RunOptions()
    run_code: bool = True  # False: only the checks that read files


@dataclass(frozen=True)
class Cost:
    """What a case set costs to grade: JAX compiles once per distinct input shape."""

    cases: int
    visible: int
    hidden: int
    shapes: int
    reference_seconds: float | None = None  # None when the reference was not run

    def __str__(self) -> str:
        text = (
            f"{self.cases} cases ({self.visible} visible, {self.hidden} hidden), "
            f"{self.shapes} distinct input shape{'s' if self.shapes != 1 else ''}"
        )
        if self.reference_seconds is not None:
            text += f", reference {self.reference_seconds:.2f} s"
        return text


@dataclass
class ProblemReport(HasFindings):
    slug: str
    findings: list[Finding] = field(default_factory=list)
    cost: Cost | None = None


def validate_problem(
    problem_or_slug: Problem | str, root: Path, options: ValidateOptions = ValidateOptions()
) -> list[Finding]:
    """Every finding about one problem (errors and notes), each naming a file and a field."""
    return check_problem(problem_or_slug, root, options).findings


def validate_catalogue(
    root: Path,
    slugs: list[str] | None = None,
    options: ValidateOptions = ValidateOptions(),
    progress: Progress | None = None,
) -> list[ProblemReport]:
    """Check the named problems (default: every folder under problems/). Raises LookupError for
    a slug with no folder, before anything runs."""
    reports = map_problems(lambda at, slug, say: check_problem(slug, at, options, say), root, slugs, progress)
    if not slugs:
        reports += _orphan_references(root, problem_folders(root / "problems"))
    return reports


def check_problem(
    problem_or_slug: Problem | str,
    root: Path,
    options: ValidateOptions = ValidateOptions(),
    progress: Progress | None = None,
) -> ProblemReport:
    """The findings about one problem and what its case set costs."""
    say = progress or (lambda message: None)
    root = root.resolve()  # code runs in scratch folders: every path must be absolute
    slug = problem_or_slug if isinstance(problem_or_slug, str) else problem_or_slug.slug
    if not (root / "problems" / slug).is_dir():
        raise LookupError(f"unknown problem {slug!r}")
    say(f"{slug}: reading files")
    report = ProblemReport(slug)
    found = report.findings
    found += placeholder_findings(root, slug)
    try:
        problem = problem_or_slug if isinstance(problem_or_slug, Problem) else load_problem(root, slug)
    except MetadataError as exc:
        found += exc.findings
        found += _file_findings(root, slug)
        if options.run_code:
            found.append(_not_run(slug))
        return report
    found += _file_findings(root, slug)
    found += _position_findings(problem)
    cases = _collect(found, load_cases, problem)
    pitfalls = _collect(found, load_pitfalls, problem)
    requirements = _collect(found, load_requirements, problem)
    extras = [_collect(found, load, problem) for load in (load_statement_values, load_accepted_probes)]
    if cases is not None:
        if not any(not c.hidden for c in cases):
            found.append(
                Finding(
                    problem.rel(problem.cases_path),
                    "cases",
                    'no visible case: learners need at least one worked example (visibility = "visible")',
                )
            )
        report.cost = case_cost(problem, cases)
    found += signature_findings(problem, pitfalls or [])
    if not options.run_code:
        return report
    if any(f.severity == "error" for f in found) or cases is None or pitfalls is None:
        found.append(_not_run(slug))
        return report
    found += _run_findings(problem, cases, pitfalls, requirements, extras, options, report, say)
    return report


def _not_run(slug: str) -> Finding:
    return Finding(f"problems/{slug}", "", "code was not run: fix the errors above first", "note")


def _collect(found: list[Finding], load, problem: Problem):
    try:
        return load(problem)
    except MetadataError as exc:
        found += exc.findings
        return None


# ---------------------------------------------------------------- checks that read files


def placeholder_findings(root: Path, slug: str) -> list[Finding]:
    """Every line still holding a placeholder left by ``grader new``."""
    found = []
    for folder in (root / "problems" / slug, root / "reference" / slug):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except (UnicodeDecodeError, OSError):
                continue
            for number, line in enumerate(lines, 1):
                if PLACEHOLDER in line:
                    found.append(
                        Finding(
                            _rel(root, path),
                            f"line {number}",
                            f"placeholder left by `grader new`: {line.strip()}",
                        )
                    )
    return found


def _file_findings(root: Path, slug: str) -> list[Finding]:
    found = []
    folder, ref = root / "problems" / slug, root / "reference" / slug
    statement = folder / "statement.md"
    if not statement.is_file():
        found.append(Finding(_rel(root, statement), "", "file is missing"))
    elif not statement.read_text(encoding="utf-8", errors="replace").strip():
        found.append(Finding(_rel(root, statement), "", "is empty"))
    for path in (folder / "stub.py", ref / "solution.py"):
        if not path.is_file():
            found.append(Finding(_rel(root, path), "", "file is missing"))
    return found


def _position_findings(problem: Problem) -> list[Finding]:
    others = [
        p.slug
        for p in load_catalogue(problem.root).problems
        if p.position == problem.position and p.slug != problem.slug
    ]
    if not others:
        return []
    return [
        Finding(
            problem.rel(problem.folder / "problem.toml"),
            "position",
            f"position {problem.position} is also used by {', '.join(others)}; positions must be unique",
        )
    ]


def signature_findings(problem: Problem, pitfalls: list[Pitfall]) -> list[Finding]:
    """Stub, reference and pitfall functions must take the [[args]] of problem.toml, in order."""
    wanted = tuple(a.name for a in problem.args)
    found = []
    for path in (problem.stub_path, problem.reference_path):
        if path.is_file():
            found += _check_def(
                problem,
                path,
                problem.entry_point,
                wanted,
                f"no top-level function {problem.entry_point!r} (problem.toml entry_point)",
            )
    coded = [p for p in pitfalls if p.function]
    if coded and not problem.pitfall_code_path.is_file():
        found.append(
            Finding(
                problem.rel(problem.pitfall_code_path),
                "",
                f"file is missing; pitfalls.toml names functions in it ({coded[0].function!r}, ...)",
            )
        )
    elif coded:
        for p in coded:
            assert p.function  # coded: the pitfalls that name a function
            found += _check_def(
                problem,
                problem.pitfall_code_path,
                p.function,
                wanted,
                f"no top-level function {p.function!r} (pitfalls.toml pitfalls[{p.id}].function)",
            )
    return found


def _check_def(
    problem: Problem, path: Path, name: str, wanted: tuple[str, ...], missing: str
) -> list[Finding]:
    display = problem.rel(path)
    try:
        functions = top_level_functions(path)
    except SourceError as exc:
        return [Finding(display, "", str(exc))]
    if name not in functions:
        return [Finding(display, f"def {name}", missing)]
    why = mismatch(functions[name], wanted)
    return [Finding(display, f"def {name}", why)] if why else []


def case_cost(problem: Problem, cases: list[Case], seconds: float | None = None) -> Cost:
    """Cases by visibility and the distinct tuples of array-argument shapes among them."""
    shapes = set()
    for case in cases:
        args = build_args(problem, case)
        shapes.add(tuple(v.shape for a, v in zip(problem.args, args, strict=True) if a.kind == "array"))
    hidden = sum(c.hidden for c in cases)
    return Cost(len(cases), len(cases) - hidden, hidden, len(shapes), seconds)


def _orphan_references(root: Path, folders: list[str]) -> list[ProblemReport]:
    ref = root / "reference"
    if not ref.is_dir():
        return []
    return [
        ProblemReport(name, [Finding(f"reference/{name}", "", f"has no problem folder problems/{name}")])
        for name in problem_folders(ref)
        if name not in folders
    ]


def _rel(root: Path, path: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- checks that run code


def _run_findings(
    problem: Problem,
    cases: list[Case],
    pitfalls: list[Pitfall],
    requirements: list[Requirement],
    extras: list,
    options: ValidateOptions,
    report: ProblemReport,
    say: Progress,
) -> list[Finding]:
    # two trusted runs in separate processes: their outputs must agree bit for bit
    say(f"{problem.slug}: running the reference and pitfalls twice")
    trusted_run = options.run
    if trusted_run.jax_cache_dir is None:  # the trusted compilation cache: only trusted runs write it
        trusted_run = replace(trusted_run, jax_cache_dir=str(trusted_jax_cache()))
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(run_trusted, problem, trusted_run) for _ in range(2)]
        outcomes = [_trusted_outcome(r) for r in runs]
    computed = [o for o in outcomes if isinstance(o, Expected)]
    if len(computed) < len(outcomes):
        return [o for o in outcomes if isinstance(o, Finding)][:1]
    first, second = computed
    store_expected(problem, first, options.run)
    report.cost = case_cost(problem, cases, first.seconds)
    found = determinism_findings(problem, cases, pitfalls, first, second)
    found += requirement_findings(problem, requirements, first)
    found += pitfall_findings(problem, cases, pitfalls, first, requirements)
    say(
        f"{problem.slug}: grading the stub and the reference, and probing the cases with answers that do no work"
    )
    grade = GradeOptions(run=options.run)
    statement_values, accepted = extras
    probes = plan_probes(problem, cases, first.reference, statement_values)
    with ThreadPoolExecutor(max_workers=3) as pool:
        stub = pool.submit(grade_problem, problem, problem.stub_path, "stub.py", grade)
        ref = pool.submit(grade_problem, problem, problem.reference_path, "solution.py", grade)
        probed = pool.submit(run_probes, problem, cases, probes, bool(requirements), trusted_run)
        found += _graded_findings(problem, problem.stub_path, stub, _stub_findings)
        found += _graded_findings(problem, problem.reference_path, ref, _reference_findings)
        found += probe_findings(
            problem, cases, probes, probed.result(), first.reference, requirements, accepted
        )
    return found


def _trusted_outcome(future) -> Expected | Finding:
    try:
        return future.result()
    except GraderError as exc:
        message = str(exc)
        if exc.file and message.startswith(exc.file):
            message = message[len(exc.file) :].lstrip(": ")
        return Finding(exc.file, exc.field, message)


def determinism_findings(
    problem: Problem, cases: list[Case], pitfalls: list[Pitfall], first: Expected, second: Expected
) -> list[Finding]:
    found = []
    for case in cases:
        if not outputs_equal(first.reference[case.id], second.reference[case.id]):
            found.append(
                Finding(
                    problem.rel(problem.reference_path),
                    f"cases[{case.id}]",
                    "two runs of the reference gave different outputs; it must be deterministic "
                    "(fixed seeds; no clock, os.urandom or unseeded randomness)",
                )
            )
    for p in pitfalls:
        if not p.function:
            continue
        a, b = first.pitfalls.get(p.id, {}), second.pitfalls.get(p.id, {})
        differ = [c.id for c in cases if not _same_outcome(a.get(c.id), b.get(c.id))]
        if differ:
            found.append(
                Finding(
                    problem.rel(problem.pitfall_code_path),
                    f"def {p.function}",
                    f"pitfall {p.id!r} gave different outputs in two runs (case {differ[0]!r}); "
                    "a learner's output cannot be matched against it",
                )
            )
    return found


def _same_outcome(a, b) -> bool:
    if isinstance(a, Raised) or isinstance(b, Raised):
        return isinstance(a, Raised) and isinstance(b, Raised) and a.matches(b.type, b.message)
    return outputs_equal(a, b)


def requirement_findings(
    problem: Problem, requirements: list[Requirement], expected: Expected
) -> list[Finding]:
    """The reference must meet every requirement on every case."""
    found = []
    display = problem.rel(problem.folder / "problem.toml")
    for r in requirements:
        failing = [cid for cid, rec in expected.reference_records.items() if not r.holds(rec)]
        if failing:
            events = ", ".join(sorted(expected.reference_records[failing[0]])) or "none"
            found.append(
                Finding(
                    display,
                    f"requirements[{r.id}]",
                    f"the reference does not meet requirement {r.id!r} on case {failing[0]!r} "
                    f"(events recorded: {events})",
                )
            )
    return found


def pitfall_findings(
    problem: Problem,
    cases: list[Case],
    pitfalls: list[Pitfall],
    expected: Expected,
    requirements: Sequence[Requirement] = (),
) -> list[Finding]:
    """Every coded pitfall must fail some hidden case or requirement; a pitfall marked equivalent
    must fail none."""
    found = []
    display = problem.rel(problem.pitfalls_path)
    for p in pitfalls:
        if not p.function:
            continue  # an exception signature: nothing to run
        outs = expected.pitfalls.get(p.id, {})
        catching = [c for c in cases if _catches(problem, expected.reference[c.id], outs, c.id)]
        records = expected.pitfall_records.get(p.id, {})
        unmet = [r.id for r in requirements if any(not r.holds(rec) for rec in records.values())]
        where = f"pitfalls[{p.id}]"
        if p.equivalent:
            by = caught_by([c.id for c in catching], unmet)
            if by:
                found.append(
                    Finding(
                        display,
                        f"{where}.equivalent",
                        f"pitfall {p.id!r} is marked equivalent, but {by} "
                        "catches it; remove `equivalent` or fix the pitfall's code",
                    )
                )
            else:
                found.append(
                    Finding(display, where, f"pitfall {p.id!r} is equivalent: {p.equivalent}", "note")
                )
        elif unmet and not any(c.hidden for c in catching):
            continue  # a requirement catches it: a learner making this mistake fails that entry
        elif not any(c.hidden for c in catching):
            message = f"pitfall {p.id!r} is not caught by any hidden case"
            if catching:
                message += f" (only by visible case {catching[0].id!r})"
            found.append(
                Finding(
                    display,
                    where,
                    message + "; add a hidden case where its output differs "
                    "from the reference's, or mark it `equivalent` with the reason",
                )
            )
    return found


def _catches(problem: Problem, reference, outs: dict, case_id: str) -> bool:
    if case_id not in outs:
        return True  # it timed out or crashed: a learner making this mistake fails the case
    out = outs[case_id]
    return isinstance(out, Raised) or compare_tree(reference, out, problem.rtol, problem.atol) is not None


def _graded_findings(
    problem: Problem, path: Path, future, judge: Callable[[Problem, str, ProblemResult], list[Finding]]
) -> list[Finding]:
    """What ``judge`` finds in the grading of ``path`` (a future of it), or that it could not be graded."""
    display = problem.rel(path)
    try:
        result = future.result()
    except GraderError as exc:
        return [Finding(display, "", f"could not be graded: {exc}")]
    return judge(problem, display, result)


def _stub_findings(problem: Problem, display: str, result: ProblemResult) -> list[Finding]:
    if result.status is ProblemStatus.NOT_IMPLEMENTED:
        return []
    if result.status is ProblemStatus.PASSED:
        why = "passes every case"
    else:
        detail = result.message or next(
            (c.message for c in result.cases if c.status is not CaseStatus.PASSED), ""
        )
        why = f"is graded {result.status.value}" + (f" ({detail})" if detail else "")
    return [
        Finding(
            display,
            f"def {problem.entry_point}",
            f"the untouched stub {why}; it should raise NotImplementedError so learners see not_implemented",
        )
    ]


def _reference_findings(problem: Problem, display: str, result: ProblemResult) -> list[Finding]:
    if result.status is ProblemStatus.PASSED:
        return []
    if result.message:
        return [
            Finding(display, f"def {problem.entry_point}", f"graded {result.status.value}: {result.message}")
        ]
    return [
        Finding(display, f"cases[{c.id}]", f"the reference does not pass its own case: {c.full_message}")
        for c in result.cases
        if c.status is not CaseStatus.PASSED
    ]
