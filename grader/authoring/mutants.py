"""Mutation analysis: how many plausible mistakes in the reference do a problem's cases catch?

Each mutant (grader/authoring/mutant_operators.py) is the reference with one small change. All mutants
of a problem are run as targets of the same trusted worker runs (warm workers forked from a
zygote when the options carry a pool), on every case, and compared with the reference's outputs
the way a learner's answer is graded. A mutant is *killed* when some case tells it apart (its
output differs beyond the problem's tolerance, or it raises, times out or crashes) or when it
breaks one of the problem's requirements (grader/grading/requirements.py), *survives* otherwise,
is *invalid* when its file cannot even be loaded (any case set rejects it; it is left out of the
score), and is *equivalent* when the author says, with a reason, that no input can tell it apart.

    score = killed / (killed + survived)

Equivalent mutants are declared in ``reference/<slug>/mutants.toml``::

    format_version = 1

    [[equivalent_mutant]]
    id = "drop-copy@5:11#1a2b3c"
    reason = "JAX arrays are immutable: the copy changes nothing."
"""

from __future__ import annotations

import difflib
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

from grader.authoring.mutant_operators import Mutant, mutants_of
from grader.course.catalogue import Problem, Progress, load_problem
from grader.course.schema import Field, Finding, HasFindings, MetadataError, check_table, one_of, read_toml
from grader.engine.limits import Limits
from grader.engine.runner import RunOptions, Target, run_targets, worker_source
from grader.engine.session import Call, RunReport
from grader.engine.worlds import split_record
from grader.errors import GraderError
from grader.grading.compare import compare_tree
from grader.grading.requirements import Requirement, load_requirements, unmet
from grader.grading.trusted import Expected, case_inputs, compute_expected, trusted_jax_cache

FORMAT_VERSION = 1
DEFAULT_MIN_SCORE = 90.0
_ID = re.compile(r"^[a-z-]+@\d+:\d+#[0-9a-f]{6}(-\d+)?$")
FILE_FIELDS = {
    "format_version": Field((int,), check=one_of(FORMAT_VERSION)),
    "equivalent_mutant": Field((list,), required=False, default=[]),
}
ENTRY_FIELDS = {
    "id": Field(
        (str,),
        check=lambda v: (
            None
            if _ID.match(v)
            else "must be a mutant id as printed by `grader validate --mutants`, like 'arith@12:9#a1b2c3'"
        ),
    ),
    "reason": Field(
        (str,), check=lambda v: None if v.strip() else "must not be empty: say why no input can tell it apart"
    ),
}


class MutantStatus(Enum):
    KILLED = "killed"
    SURVIVED = "survived"
    EQUIVALENT = "equivalent"
    INVALID = "invalid"


@dataclass(frozen=True)
class EquivalentMutant:
    id: str
    reason: str
    index: int  # position in the file, for findings: equivalent_mutant[index]


@dataclass(frozen=True)
class MutantResult:
    mutant: Mutant
    status: MutantStatus
    diff: str  # unified diff of the reference against the mutant
    case: str = ""  # the first case that killed it
    detail: str = ""  # how it was killed, why it is invalid, or why it is equivalent


@dataclass
class MutationReport(HasFindings):
    """One problem's mutation analysis. ``findings`` say why it could not run, or what is wrong
    with its mutants.toml."""

    slug: str
    results: list[MutantResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: MutantStatus) -> int:
        return sum(r.status is status for r in self.results)

    @property
    def score(self) -> float | None:
        """Percent of non-equivalent, loadable mutants that a case killed (None if there are none)."""
        killed, survived = self.count(MutantStatus.KILLED), self.count(MutantStatus.SURVIVED)
        return 100.0 * killed / (killed + survived) if killed + survived else None

    def meets(self, min_score: float) -> bool:
        """No error, and a score (when there is one) at least ``min_score`` percent."""
        return not self.errors and (self.score is None or self.score >= min_score)


def analyse_problem(
    root: Path, slug: str, options: RunOptions = RunOptions(), progress: Progress | None = None
) -> MutationReport:
    """Generate the mutants of one problem's reference, run them on every case, and judge them."""
    say = progress or (lambda message: None)
    began = time.monotonic()
    report = MutationReport(slug)
    try:
        problem = load_problem(root.resolve(), slug)
        cases = problem.cases()
        requirements = load_requirements(problem)
        equivalences = load_equivalences(problem)
    except MetadataError as exc:
        report.findings += exc.findings
        return report
    ref_file = problem.rel(problem.reference_path)
    if not problem.has_reference:
        report.findings.append(Finding(ref_file, "", "file is missing: there is nothing to mutate"))
        return report
    source = problem.reference_path.read_text(encoding="utf-8")
    try:
        mutants = mutants_of(source)
    except SyntaxError as exc:
        report.findings.append(Finding(ref_file, f"line {exc.lineno}", f"is not valid Python: {exc.msg}"))
        return report
    if options.jax_cache_dir is None:  # mutants are trusted code: they share the trusted compilation cache
        options = replace(options, jax_cache_dir=str(trusted_jax_cache()))
    try:
        say(f"{slug}: running the reference")
        expected = compute_expected(problem, options)
        say(f"{slug}: running {len(mutants)} mutants on {len(cases)} cases")
        report_run = _run_mutants(problem, mutants, options)
    except GraderError as exc:
        report.findings.append(Finding(exc.file or ref_file, exc.field, str(exc)))
        return report
    case_ids = [c.id for c in cases]
    control = judge(problem, case_ids, expected, report_run, _CONTROL, requirements)
    if control[0] is not MutantStatus.SURVIVED:
        # the comparison itself is broken (a reference that differs between processes, or outputs
        # that changed shape on the way): no verdict on any mutant could be trusted
        where = f" on case {control[1]!r}" if control[1] else ""
        report.findings.append(
            Finding(
                ref_file,
                f"def {problem.entry_point}",
                "the unchanged reference, run beside its mutants, does not reproduce its "
                f"expected outputs ({control[2]}{where}); no mutant can be judged "
                "(is it deterministic? run `grader validate`)",
            )
        )
        return report
    diffs = {m.id: _diff(problem, source, m) for m in mutants}
    claimed = {e.id: e for e in equivalences}
    for index, mutant in enumerate(mutants):
        status, case, detail = judge(problem, case_ids, expected, report_run, _target(index), requirements)
        if mutant.id in claimed:
            status, case, detail = _claim(problem, claimed[mutant.id], status, case, detail, report.findings)
        report.results.append(MutantResult(mutant, status, diffs[mutant.id], case, detail))
    report.findings += stale_findings(problem, equivalences, mutants)
    report.seconds = time.monotonic() - began
    return report


_CONTROL = "control"  # the unchanged reference, run beside its mutants: it must survive


def _target(index: int) -> str:
    return f"mutant:{index}"


def _run_mutants(problem: Problem, mutants: list[Mutant], options: RunOptions) -> RunReport:
    """All mutants as targets of one trusted run (spread over ``options.spread`` workers), after
    the unchanged reference."""
    seconds = max(problem.time_limit, 30.0)  # a busy machine must not turn a slow call into a kill
    limits = Limits(case_seconds=seconds, total_seconds=3600.0)
    # trusted code in processes of its own: never a learner's kept worker, never confined
    options = replace(options, workers=worker_source(options).fresh(), confine=False)
    with tempfile.TemporaryDirectory(prefix="grader-mutants-") as folder:
        targets = [Target(_CONTROL, problem.reference_path, problem.entry_point)]
        for index, mutant in enumerate(mutants):
            path = Path(folder) / f"mutant_{index:03d}.py"
            path.write_text(mutant.source, encoding="utf-8")
            targets.append(Target(_target(index), path, problem.entry_point))
        return run_targets(targets, case_inputs(problem, problem.cases()), limits, options)


def judge(
    problem: Problem,
    case_ids: list[str],
    expected: Expected,
    run: RunReport,
    target: str,
    requirements: Sequence[Requirement] = (),
) -> tuple[MutantStatus, str, str]:
    """Status, killing case and detail of one mutant, from its calls, the reference's outputs and
    the problem's requirements (checked on the events each call recorded)."""
    if target in run.load_problems:
        problem_loading = run.load_problems[target]
        error = problem_loading.error
        why = (
            f"{error['type']}: {error['message']}"
            if error
            else problem_loading.detail or problem_loading.kind
        )
        return MutantStatus.INVALID, "", f"does not load: {why}"
    records = {}
    for cid in case_ids:
        call = run.calls.get((target, cid), Call("not_run", detail="no record of the call"))
        output, record = split_record(call.output) if call.outcome == "returned" else (None, None)
        if record is not None:
            records[cid] = record
        how = _difference(problem, expected.reference[cid], call, output)
        if how:
            return MutantStatus.KILLED, cid, how
    for requirement_id, failing in unmet(list(requirements), records).items():
        if failing:
            return MutantStatus.KILLED, failing[0], f"requirement {requirement_id!r} is not met"
    return MutantStatus.SURVIVED, "", ""


def _difference(problem: Problem, reference, call: Call, output) -> str:
    if call.outcome == "returned":
        mismatch = compare_tree(reference, output, problem.rtol, problem.atol)
        return f"output differs at {mismatch.path} ({mismatch.kind})" if mismatch else ""
    if call.outcome == "raised" and call.error:
        return f"raised {call.error['type']}: {' '.join(call.error['message'].split())[:200]}"
    return f"{call.outcome}: {call.detail}" if call.detail else call.outcome


def _claim(
    problem: Problem,
    claim: EquivalentMutant,
    status: MutantStatus,
    case: str,
    detail: str,
    findings: list[Finding],
) -> tuple[MutantStatus, str, str]:
    """An equivalence claim holds only for a mutant that loads and that no case kills."""
    if status is MutantStatus.SURVIVED:
        return MutantStatus.EQUIVALENT, "", claim.reason
    display = problem.rel(_equivalences_path(problem))
    if status is MutantStatus.KILLED:
        message = (
            f"mutant {claim.id} is marked equivalent, but case {case!r} kills it ({detail}); remove the entry"
        )
    else:
        message = f"mutant {claim.id} is marked equivalent, but it {detail}; remove the entry"
    findings.append(Finding(display, f"equivalent_mutant[{claim.index}].id", message))
    return status, case, detail


def stale_findings(problem: Problem, claims: list[EquivalentMutant], mutants: list[Mutant]) -> list[Finding]:
    """Claims whose id names no mutant of the current reference (it changed since)."""
    display = problem.rel(_equivalences_path(problem))
    ids = {m.id for m in mutants}
    found = []
    for claim in claims:
        if claim.id in ids:
            continue
        message = f"no mutant of the reference has the id {claim.id}"
        operator, _, rest = claim.id.partition("@")
        moved = [
            m.id for m in mutants if m.operator == operator and m.id.split("#")[1] == rest.split("#")[-1]
        ]
        message += (
            f" (did it move? a mutant with the same change is now {moved[0]})"
            if moved
            else "; the reference changed since the entry was written: check the mutant again and update or remove it"
        )
        found.append(Finding(display, f"equivalent_mutant[{claim.index}].id", message))
    return found


def _diff(problem: Problem, source: str, mutant: Mutant) -> str:
    name = problem.rel(problem.reference_path)
    return "".join(
        difflib.unified_diff(
            source.splitlines(keepends=True),
            mutant.source.splitlines(keepends=True),
            fromfile=name,
            tofile=f"{name} (mutant {mutant.id})",
            n=2,
        )
    )


# ---------------------------------------------------------------- reference/<slug>/mutants.toml


def _equivalences_path(problem: Problem) -> Path:
    return problem.reference_dir / "mutants.toml"


def load_equivalences(problem: Problem) -> list[EquivalentMutant]:
    """The mutants the author marks equivalent (none when the file is absent).
    Raises MetadataError with a finding per bad field, naming the file and the field."""
    path = _equivalences_path(problem)
    if not path.is_file():
        return []
    return parse_equivalences(read_toml(path, problem.rel(path)), problem.rel(path))


def parse_equivalences(data: dict, display: str) -> list[EquivalentMutant]:
    """The entries of an already-read mutants.toml; ``display`` names the file in findings."""
    findings: list[Finding] = []
    table = check_table(data, FILE_FIELDS, display, "", findings)
    out, seen = [], set()
    for i, raw in enumerate(table.get("equivalent_mutant") or []):
        where = f"equivalent_mutant[{i}]"
        entry = check_table(raw, ENTRY_FIELDS, display, where, findings)
        if entry.get("id") in seen:
            findings.append(Finding(display, f"{where}.id", f"mutant {entry['id']} is listed twice"))
        seen.add(entry.get("id"))
        if entry.get("id") and entry.get("reason"):
            out.append(EquivalentMutant(entry["id"], entry["reason"].strip(), i))
    if findings:
        raise MetadataError(findings)
    return out
