"""Grade one learner file against one problem: run it, compare in this process, build results."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from grader import feedback, wire
from grader.catalogue import Case, Problem, Pitfall
from grader.compare import compare_tree
from grader.results import CaseResult, CaseStatus, Note, ProblemResult, ProblemStatus, overall_status
from grader.runner import Limits, RunOptions, Target, run_targets
from grader.trusted import Expected, GraderError, Raised, cache_dir, case_inputs, compute_expected

LEARNER = "learner"


@dataclass(frozen=True)
class GradeOptions:
    run: RunOptions = RunOptions()
    use_cache: bool = True
    case_seconds: float | None = None  # default: the problem's time_limit
    total_seconds: float | None = None  # default: a budget from the per-case limit


def grade_problem(problem: Problem, solution: Path, display_name: str | None = None,
                  options: GradeOptions = GradeOptions(), expected: Expected | None = None) -> ProblemResult:
    """Grade ``solution`` on every case the grader can see (all of them, or only the visible
    ones in a learner distribution). Raises GraderError when the problem itself is broken.

    ``expected`` skips computing (or reading the cache of) the expected outputs, so a class can
    be graded against outputs computed once, before any learner code ran."""
    began = time.monotonic()
    solution = solution.resolve()
    display = display_name or solution.name
    all_cases = problem.cases()
    only_visible = not problem.has_reference
    cases = [c for c in all_cases if not (only_visible and c.hidden)]
    pitfalls = problem.pitfalls() if not only_visible else []
    per_case = options.case_seconds or problem.time_limit
    limits = Limits(case_seconds=per_case, total_seconds=options.total_seconds or per_case * (len(cases) + 2))
    learner_run = replace(options.run, confine=True)
    if options.use_cache and learner_run.jax_cache_dir is None:
        # learner processes get a compilation cache of their own, never read by trusted runs
        learner_run = replace(learner_run, jax_cache_dir=str(cache_dir() / "jax" / "learner"))
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = None
        if expected is None and not only_visible:
            pending = pool.submit(compute_expected, problem, options.run, options.use_cache)
        report = run_targets([Target(LEARNER, solution, problem.entry_point)],
                             case_inputs(problem, cases), limits, learner_run)
        if pending is not None:
            expected = pending.result()
        elif expected is None:
            expected = load_published_expected(problem)

    learner_file = str(solution)
    result = ProblemResult(slug=problem.slug, title=problem.title, status=ProblemStatus.ERROR, cases=[],
                           stdout=report.stdout, stderr=report.stderr,
                           streams_truncated=report.streams_truncated, only_visible=only_visible)
    result.notes = feedback.warning_notes(
        report.load_warnings.get(LEARNER, []) + [w for c in report.calls.values() for w in c.warnings],
        learner_file, display)
    if report.protections.get("unavailable"):
        result.notes.append(Note("Learner code ran without filesystem confinement on this machine "
                                 f"({report.protections['unavailable']}); see `grader doctor`."))
    load_problem = report.load_problems.get(LEARNER)
    if load_problem is not None:
        result.message, result.load_error = _load_message(load_problem, problem, learner_file, display)
    for case in cases:
        call = report.calls.get((LEARNER, case.id))
        result.cases.append(_case_result(problem, case, call, expected, pitfalls, learner_file, display))
    result.status = overall_status(result.cases, load_problem is not None)
    if result.status is ProblemStatus.NOT_IMPLEMENTED:
        result.message = f"{problem.entry_point} is not implemented yet: replace `raise NotImplementedError` with your solution."
    result.seconds = time.monotonic() - began
    return result


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
    from grader.catalogue import build_args

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
