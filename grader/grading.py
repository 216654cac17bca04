"""Grade one learner file against one problem: run it, compare in this process, build results."""

from __future__ import annotations

import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from grader import feedback, wire
from grader.catalogue import Case, Pitfall, Problem, build_args
from grader.compare import compare_tree
from grader.requirements import requirement_entries, take_records
from grader.results import CaseResult, CaseStatus, Note, ProblemResult, ProblemStatus, overall_status
from grader.runner import CaseInput, Limits, RunOptions, Target, run_targets
from grader.trusted import Expected, GraderError, Raised, cache_dir, case_inputs, compute_expected

@dataclass(frozen=True)
class GradeOptions:
    run: RunOptions = RunOptions()
    use_cache: bool = True
    case_seconds: float | None = None  # default: the problem's time_limit
    total_seconds: float | None = None  # default: a budget from the per-case limit


def memory_limit() -> int:
    """Address space allowed to learner processes: $GRADER_MEMORY_LIMIT_MB, else 4 GiB."""
    value = os.environ.get("GRADER_MEMORY_LIMIT_MB", "")
    try:
        return max(256, int(value)) << 20 if value else Limits().address_space_bytes
    except ValueError:
        raise GraderError(f"GRADER_MEMORY_LIMIT_MB must be a whole number of MiB, not {value!r}") from None


@dataclass(frozen=True)
class Submission:
    """One file to grade against one problem."""

    problem: Problem
    path: Path
    display: str = ""


def grade_problem(problem: Problem, solution: Path, display_name: str | None = None,
                  options: GradeOptions = GradeOptions(), expected: Expected | None = None) -> ProblemResult:
    """Grade ``solution`` on every case the grader can see (all of them, or only the visible
    ones in a learner distribution). Raises GraderError when the problem itself is broken.

    ``expected`` skips computing (or reading the cache of) the expected outputs, so a class can
    be graded against outputs computed once, before any learner code ran."""
    submission = Submission(problem, solution, display_name or "")
    given = {problem.slug: expected} if expected is not None else None
    return grade_files([submission], options, given)[0]


def grade_files(submissions: list[Submission], options: GradeOptions = GradeOptions(),
                expected: dict[str, Expected] | None = None) -> list[ProblemResult]:
    """Grade one learner's files, one per problem, in the same worker processes (never another
    learner's). Expected outputs come from ``expected`` (by slug) or are computed meanwhile."""
    began = time.monotonic()
    plans = [_plan(s, options) for s in submissions]
    if len({p.key for p in plans}) != len(plans):
        raise ValueError("grade_files takes at most one file per problem")
    learner_run = replace(options.run, confine=True)
    if options.use_cache and learner_run.jax_cache_dir is None:
        # learner processes get a compilation cache of their own, never read by trusted runs
        learner_run = replace(learner_run, jax_cache_dir=str(cache_dir() / "jax" / "learner"))
    inputs, targets = [], []
    for plan in plans:
        inputs += [CaseInput(f"{plan.key}/{c.id}", c.args) for c in case_inputs(plan.problem, plan.cases)]
        targets.append(Target(plan.key, plan.path, plan.problem.entry_point,
                              cases=tuple(f"{plan.key}/{c.id}" for c in plan.cases), case_seconds=plan.case_seconds))
    limits = Limits(case_seconds=max(p.case_seconds for p in plans),
                    total_seconds=options.total_seconds or sum(p.case_seconds * (len(p.cases) + 2) for p in plans),
                    address_space_bytes=memory_limit())
    known = dict(expected or {})
    with ThreadPoolExecutor(max_workers=1) as pool:
        missing = [p.problem for p in plans if p.problem.slug not in known and not p.only_visible]
        pending = pool.submit(lambda: {q.slug: compute_expected(q, options.run, options.use_cache) for q in missing})
        report = run_targets(targets, inputs, limits, learner_run)
        known.update(pending.result())
    for plan in plans:
        if plan.problem.slug not in known:
            known[plan.problem.slug] = load_published_expected(plan.problem)
    seconds = time.monotonic() - began
    return [_build_result(plan, report, known[plan.problem.slug], seconds / len(plans)) for plan in plans]


@dataclass(frozen=True)
class _Plan:
    key: str  # the target's name in the run, unique per submission
    problem: Problem
    path: Path
    display: str
    cases: list
    pitfalls: list
    only_visible: bool
    case_seconds: float


def _plan(s: Submission, options: GradeOptions) -> _Plan:
    path = s.path.resolve()
    only_visible = not s.problem.has_reference
    cases = [c for c in s.problem.cases() if not (only_visible and c.hidden)]
    return _Plan(key=s.problem.slug, problem=s.problem, path=path, display=s.display or path.name,
                 cases=cases, pitfalls=s.problem.pitfalls() if not only_visible else [],
                 only_visible=only_visible, case_seconds=options.case_seconds or s.problem.time_limit)


def _build_result(plan: _Plan, report, expected: Expected, seconds: float) -> ProblemResult:
    problem, key, display = plan.problem, plan.key, plan.display
    learner_file = str(plan.path)
    result = ProblemResult(slug=problem.slug, title=problem.title, status=ProblemStatus.ERROR, cases=[],
                           stdout=report.stdout, stderr=report.stderr,
                           streams_truncated=report.streams_truncated, only_visible=plan.only_visible)
    # case ids are prefixed with the problem in a run shared by several files: take the prefix off
    calls = {cid: _unprefixed(report.calls.get((key, f"{key}/{cid}")), key) for cid in (c.id for c in plan.cases)}
    records = take_records(calls)  # what each returned call did, for the problem's requirements
    result.notes = feedback.warning_notes(
        report.load_warnings.get(key, []) + [w for c in calls.values() if c for w in c.warnings],
        learner_file, display)
    if report.protections.get("unavailable"):
        result.notes.append(Note("Learner code ran without filesystem confinement on this machine "
                                 f"({report.protections['unavailable']}); see `grader doctor`."))
    load_problem = report.load_problems.get(key)
    if load_problem is not None:
        result.message, result.load_error = _load_message(load_problem, problem, learner_file, display)
    for case in plan.cases:
        result.cases.append(_case_result(problem, case, calls[case.id], expected, plan.pitfalls,
                                         learner_file, display))
    result.cases += requirement_entries(problem, calls, records, expected, plan.pitfalls)
    result.status = overall_status(result.cases, load_problem is not None)
    if result.status is ProblemStatus.NOT_IMPLEMENTED:
        result.message = f"{problem.entry_point} is not implemented yet: replace `raise NotImplementedError` with your solution."
    result.seconds = seconds
    return result


def _unprefixed(call, key: str):
    if call is not None and call.detail:
        call = replace(call, detail=call.detail.replace(f"{key}/", ""))
    return call


def _load_message(lp, problem: Problem, learner_file: str, display: str):
    if lp.kind == "missing_function":
        return (f"{display} has no function named {problem.entry_point!r}; "
                f"define it with the arguments ({', '.join(a.name for a in problem.args)}).", None)
    if lp.kind == "raised":
        err = feedback.error_info(lp.error, learner_file, display)
        what = "has a syntax error" if err.type in ("SyntaxError", "IndentationError", "TabError") \
            else "raised an error while being imported"
        return f"{display} {what}: {feedback.error_message(err)}", err
    if lp.kind == "timeout":
        return f"{display} took too long to import ({lp.detail}); is there a loop at the top level?", None
    return f"{display} stopped the grader's process while being imported: {lp.detail}.", None


def _case_result(problem: Problem, case: Case, call, expected: Expected, pitfalls: list[Pitfall],
                 learner_file: str, display: str) -> CaseResult:
    visible = not case.hidden
    base = dict(id=case.id, visibility=case.visibility, points=case.points,
                inputs=_shown_inputs(problem, case) if visible else None,
                expected=expected.reference.get(case.id) if visible else None)
    if call is None or call.outcome == "not_run":
        return CaseResult(status=CaseStatus.ERROR, message="not run: the file could not be loaded", **base)
    if call.outcome == "timeout":
        return CaseResult(status=CaseStatus.TIMEOUT, message=f"took too long: {call.detail}", **base)
    if call.outcome == "crashed":
        return CaseResult(status=CaseStatus.ERROR, message=f"no result: {call.detail}", **base)
    if call.outcome == "raised":
        err = feedback.error_info(call.error, learner_file, display)
        pitfall = _match_raised(err.type, err.message, case, expected, pitfalls)
        return CaseResult(status=CaseStatus.ERROR, message=feedback.error_message(err), error=err,
                          pitfall=pitfall.id if pitfall else None,
                          pitfall_message=pitfall.message if pitfall else "", seconds=call.seconds, **base)
    want = expected.reference[case.id]
    mismatch = compare_tree(want, call.output, problem.rtol, problem.atol)
    received = call.output if visible else None
    if mismatch is None:
        return CaseResult(status=CaseStatus.PASSED, message="passed", seconds=call.seconds,
                          received=received, **base)
    pitfall = _match_output(call.output, case, expected, pitfalls, problem)
    return CaseResult(status=CaseStatus.FAILED, message=feedback.mismatch_message(mismatch, reveal=visible),
                      mismatch=mismatch, pitfall=pitfall.id if pitfall else None,
                      pitfall_message=pitfall.message if pitfall else "", seconds=call.seconds,
                      received=received, **base)


def _match_output(output, case: Case, expected: Expected, pitfalls: list[Pitfall], problem: Problem):
    for p in pitfalls:
        theirs = expected.pitfalls.get(p.id, {}).get(case.id)
        if theirs is None or isinstance(theirs, Raised):
            continue
        if compare_tree(theirs, output, problem.rtol, problem.atol) is None:
            return p
    return None


def _match_raised(etype: str, message: str, case: Case, expected: Expected, pitfalls: list[Pitfall]):
    for p in pitfalls:
        if p.exception_type is not None:
            if p.exception_type == etype and re.search(p.exception_match, message):
                return p
            continue
        theirs = expected.pitfalls.get(p.id, {}).get(case.id)
        if isinstance(theirs, Raised) and theirs.matches(etype, message):
            return p
    return None


def _shown_inputs(problem: Problem, case: Case) -> dict:
    """The inputs of a visible case, as the learner's function receives them."""
    return {a.name: v for a, v in zip(problem.args, build_args(problem, case))}


# ---------------------------------------------------------------- learner distributions

def load_published_expected(problem: Problem) -> Expected:
    """Expected outputs of visible cases, as written by ``grader export --student``."""
    path = problem.expected_path
    try:
        data = json.loads(path.read_text())
        buffers = [bytes.fromhex(b) for b in data["buffers"]]
        reference = {cid: wire.decode_value(spec, buffers) for cid, spec in data["outputs"].items()}
    except FileNotFoundError:
        raise GraderError(f"{problem.rel(path)} is missing: this copy has neither the reference "
                          f"nor published expected outputs") from None
    except (ValueError, KeyError, TypeError, wire.WireError) as exc:
        raise GraderError(f"{problem.rel(path)} is damaged: {exc}") from None
    return Expected(reference=reference)
