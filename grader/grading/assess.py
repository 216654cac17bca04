"""Grade one learner file against one problem: run it, compare in this process, build results."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from grader.course.catalogue import Case, Pitfall, Problem, build_args
from grader.course.learner_file import (
    NotGradable,
    max_bytes_from_env,
    private_folder,
    read_file,
    write_private,
)
from grader.engine import cache, sandbox, wire
from grader.engine.limits import Limits
from grader.engine.runner import CaseInput, RunOptions, Target, run_targets, worker_source
from grader.engine.session import Call, LoadProblem, RunReport
from grader.errors import GraderError
from grader.grading import feedback, redaction
from grader.grading.compare import Mismatch, compare_tree
from grader.grading.diagnosis import choose_pitfalls, diagnose
from grader.grading.requirements import requirement_entries, take_records
from grader.grading.results import (
    CaseResult,
    CaseStatus,
    ErrorInfo,
    Note,
    ProblemResult,
    ProblemStatus,
    overall_status,
)
from grader.grading.submission import refused
from grader.grading.trusted import Expected, Raised, case_inputs, compute_expected, trusted_jax_cache


@dataclass(frozen=True)
class GradeOptions:
    run: RunOptions = RunOptions()
    use_cache: bool = True
    case_seconds: float | None = None  # default: the problem's time_limit
    total_seconds: float | None = None  # default: a budget from the per-case limit
    max_file_bytes: int | None = None  # default: $GRADER_MAX_SUBMISSION_BYTES, else 1 MiB


def memory_limit() -> int:
    """Address space allowed to learner processes: $GRADER_MEMORY_LIMIT_MB, else 4 GiB."""
    value = os.environ.get("GRADER_MEMORY_LIMIT_MB", "")
    try:
        return max(256, int(value)) << 20 if value else Limits().address_space_bytes
    except ValueError:
        raise GraderError(f"GRADER_MEMORY_LIMIT_MB must be a whole number of MiB, not {value!r}") from None


def max_submission_bytes(options: GradeOptions) -> int:
    """The largest learner file graded: ``options.max_file_bytes``, else $GRADER_MAX_SUBMISSION_BYTES, else 1 MiB."""
    if options.max_file_bytes is not None:
        return options.max_file_bytes
    try:
        return max_bytes_from_env()
    except ValueError as exc:
        raise GraderError(str(exc)) from None


@dataclass(frozen=True)
class Submission:
    """One file to grade against one problem: a private copy the grader made (see
    grader/course/learner_file.py), never a path the learner controls."""

    problem: Problem
    path: Path
    display: str = ""
    source: bytes | None = None  # the bytes at ``path`` (default: read from it before anything runs)


def grade_problem(
    problem: Problem,
    solution: Path,
    display_name: str | None = None,
    options: GradeOptions = GradeOptions(),
    expected: Expected | None = None,
) -> ProblemResult:
    """Grade ``solution`` on every case the grader can see (all of them, or only the visible
    ones in a learner distribution). Raises GraderError when the problem itself is broken.

    ``solution`` is read once, as a regular file (not a link, a folder, a device or a pipe) no
    bigger than the size limit, and a private copy of those bytes is what runs; any other file is
    an ``error`` that says why. ``expected`` skips computing (or reading the cache of) the
    expected outputs, so a class can be graded against outputs computed once, before any learner
    code ran."""
    shown = display_name or solution.name
    try:
        data = read_file(solution, shown, max_submission_bytes(options))
    except FileNotFoundError:
        return _not_gradable(problem, f"{shown} does not exist")
    except NotGradable as exc:
        return _not_gradable(problem, str(exc))
    # a worker kept between runs stays confined to the paths it started with: same copy, same path
    kept = worker_source(options.run).copy_folder()
    folder = Path(kept) if kept is not None else private_folder()
    try:
        copy = write_private(folder, solution.name, data)
        given = {problem.slug: expected} if expected is not None else None
        return grade_files([Submission(problem, copy, shown, data)], options, given)[0]
    finally:
        if kept is None:
            shutil.rmtree(folder, ignore_errors=True)


def _not_gradable(problem: Problem, message: str) -> ProblemResult:
    only_visible = not problem.has_reference
    result = refused(
        problem.slug, problem.title, [c for c in problem.cases() if not (only_visible and c.hidden)], message
    )
    result.only_visible = only_visible
    return result


def grade_files(
    submissions: list[Submission],
    options: GradeOptions = GradeOptions(),
    expected: dict[str, Expected] | None = None,
) -> list[ProblemResult]:
    """Grade one learner's files, one per problem, in worker processes of their own (never
    another learner's). Expected outputs come from ``expected`` (by slug) or are computed meanwhile.

    Visible and hidden cases run in separate processes: a process holds the inputs of every case
    it runs, so what is shown in full (load errors, visible messages, printed output) must come
    from one that never held a hidden input. Only a worker kept between runs (``run.workers``,
    watch's quick verdicts) runs both."""
    began = time.monotonic()
    plans = [_plan(s, options) for s in submissions]
    if len({p.key for p in plans}) != len(plans):
        raise ValueError("grade_files takes at most one file per problem")
    learner_run = replace(options.run, confine=True)
    if options.use_cache and learner_run.jax_cache_dir is None and learner_run.jax_cache_seed is None:
        # each learner run gets a private copy of the trusted compilation cache, gone when it ends
        learner_run = replace(learner_run, jax_cache_seed=str(trusted_jax_cache()))
    parts = _parts(plans, learner_run)
    known = dict(expected or {})
    with ThreadPoolExecutor(max_workers=1 + len(parts)) as pool:
        missing = [p.problem for p in plans if p.problem.slug not in known and not p.only_visible]
        pending = pool.submit(
            lambda: {q.slug: compute_expected(q, options.run, options.use_cache) for q in missing}
        )
        running = {name: pool.submit(_run, chosen, run, options) for name, chosen, run in parts}
        reports = {name: future.result() for name, future in running.items()}
        known.update(pending.result())
    for plan in plans:
        if plan.problem.slug not in known:
            known[plan.problem.slug] = load_published_expected(plan.problem)
    seconds = time.monotonic() - began
    clean, hidden = reports.get("visible", reports.get("all")), reports.get("hidden", reports.get("all"))
    return [
        _build_result(plan, clean, hidden, known[plan.problem.slug], seconds / len(plans)) for plan in plans
    ]


def _parts(plans: list[_Plan], run: RunOptions) -> list[tuple[str, list, RunOptions]]:
    """The runs to make: (name, [(plan, cases)], options), "visible" and "hidden" apart, or
    "all" in a worker kept between runs. Two runs share the workers one would have had."""
    if worker_source(run).keeps_workers:
        return [("all", [(p, p.cases) for p in plans], run)]
    visible = [(p, [c for c in p.cases if not c.hidden]) for p in plans]
    hidden = [(p, [c for c in p.cases if c.hidden]) for p in plans]
    parts = [
        (name, [(p, cases) for p, cases in chosen if cases])
        for name, chosen in (("visible", visible), ("hidden", hidden))
    ]
    parts = [(name, chosen) for name, chosen in parts if chosen]
    if len(parts) < 2:
        return [(name, chosen, run) for name, chosen in parts]
    return [
        ("visible", parts[0][1], replace(run, spread=1)),
        ("hidden", parts[1][1], replace(run, spread=max(1, run.spread - 1))),
    ]


def _run(chosen: list, run: RunOptions, options: GradeOptions) -> RunReport:
    """Call each plan's function on the chosen cases in workers of this run's own."""
    inputs, targets = [], []
    for plan, cases in chosen:
        inputs += [CaseInput(f"{plan.key}/{c.id}", c.args) for c in case_inputs(plan.problem, cases)]
        targets.append(
            Target(
                plan.key,
                plan.path,
                plan.problem.entry_point,
                cases=tuple(f"{plan.key}/{c.id}" for c in cases),
                case_seconds=plan.case_seconds,
            )
        )
    limits = Limits(
        case_seconds=max(plan.case_seconds for plan, _ in chosen),
        total_seconds=options.total_seconds or sum(p.case_seconds * (len(c) + 2) for p, c in chosen),
        address_space_bytes=memory_limit(),
    )
    return run_targets(targets, inputs, limits, run)


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
    source: bytes  # what the grader vouches for about the file (see grader/grading/redaction.py)


def _plan(s: Submission, options: GradeOptions) -> _Plan:
    path = s.path.resolve()
    only_visible = not s.problem.has_reference
    cases = [c for c in s.problem.cases() if not (only_visible and c.hidden)]
    return _Plan(
        key=s.problem.slug,
        problem=s.problem,
        path=path,
        display=s.display or path.name,
        cases=cases,
        pitfalls=s.problem.pitfalls() if not only_visible else [],
        only_visible=only_visible,
        case_seconds=options.case_seconds or s.problem.time_limit,
        source=s.source if s.source is not None else path.read_bytes(),
    )


def _build_result(
    plan: _Plan, clean: RunReport | None, hidden: RunReport | None, expected: Expected, seconds: float
) -> ProblemResult:
    """The result of one file: visible cases and the import told in full from ``clean`` (a run
    that held no hidden input), hidden cases from ``hidden`` told as grader/grading/redaction.py allows.
    The two are the same report when one kept worker ran everything (``_parts``)."""
    problem, key, display = plan.problem, plan.key, plan.display
    learner_file = str(plan.path)
    shared = clean is hidden
    clean = clean if clean is not None and key in _targets(clean) else None
    hidden = hidden or RunReport()
    vouched = redaction.Vouched.of(plan.source, learner_file, display)
    result = ProblemResult(
        slug=problem.slug,
        title=problem.title,
        status=ProblemStatus.ERROR,
        cases=[],
        stdout=feedback.clean_text(clean.stdout) if clean else "",
        stderr=feedback.clean_text(clean.stderr) if clean else "",
        streams_truncated=bool(clean and clean.streams_truncated),
        only_visible=plan.only_visible,
    )
    # case ids are prefixed with the problem in a run shared by several files: take the prefix off
    calls = {
        c.id: _unprefixed(
            (hidden if c.hidden else clean or RunReport()).calls.get((key, f"{key}/{c.id}")), key
        )
        for c in plan.cases
    }
    records = take_records(calls)  # what each returned call did, for the problem's requirements
    shown = (clean.load_warnings.get(key, []) if clean else []) + [
        w for c in plan.cases if not c.hidden and (got := calls[c.id]) for w in got.warnings
    ]
    told = (hidden.load_warnings.get(key, []) if clean is None else []) + [
        w for c in plan.cases if c.hidden and (got := calls[c.id]) for w in got.warnings
    ]
    result.notes = feedback.warning_notes(shown, learner_file, display) + redaction.hidden_warning_notes(
        told, vouched, {redaction.warning_key(w, vouched) for w in shown}
    )
    if not shared and clean is not None and _printed(hidden) and _printed(hidden) != _printed(clean):
        result.notes.append(
            Note(
                "What your code printed while the hidden cases ran is not shown: it could hold their inputs."
            )
        )
    unavailable = (clean or hidden).protections.get("unavailable") or hidden.protections.get("unavailable")
    if unavailable:
        result.notes.append(
            Note(
                "Learner code ran without some of the grader's protections on this machine "
                f"({feedback.clean_text(unavailable)}); see `grader doctor`."
            )
        )
    exposure = exposure_note(problem.root)
    if exposure is not None:
        result.notes.append(exposure)
    # what visible cases and pitfalls raised can be named for hidden cases that raise it too
    vouched.known_types.update(p.exception_type for p in plan.pitfalls if p.exception_type)
    for case in plan.cases:
        visible_call = None if case.hidden else calls[case.id]
        if visible_call is not None and visible_call.outcome == "raised":
            vouched.saw_visible(case.id, visible_call.error or {})
    load_problem = clean.load_problems.get(key) if clean else None
    if load_problem is not None:
        result.message, result.load_error = _load_message(load_problem, problem, learner_file, display)
    elif not shared and hidden.load_problems.get(key) is not None:
        load_problem = hidden.load_problems[key]
        result.message, result.load_error = _hidden_load_message(
            load_problem, problem, vouched, clean is None
        )
    graded = [
        _case_result(problem, case, calls[case.id], expected, plan.pitfalls, vouched) for case in plan.cases
    ]
    result.cases = _told_pitfalls(graded, plan.pitfalls)
    result.cases += requirement_entries(problem, calls, records, expected, plan.pitfalls)
    result.status = overall_status(result.cases, load_problem is not None)
    if load_problem is not None and load_problem.kind == "timeout":
        # the time limit ran out while importing: a timeout, as the cases that could not run say
        result.status = ProblemStatus.TIMEOUT
        result.cases = [
            replace(c, status=CaseStatus.TIMEOUT, message="not run: importing the file took too long")
            if c.kind == "case" and c.status is CaseStatus.ERROR and c.message.startswith("not run")
            else c
            for c in result.cases
        ]
    if result.status is ProblemStatus.NOT_IMPLEMENTED:
        result.message = f"{problem.entry_point} is not implemented yet: replace `raise NotImplementedError` with your solution."
    elif load_problem is None:
        result.diagnoses = diagnose(result.cases)
    result.seconds = seconds
    return result


def _told_pitfalls(
    graded: list[tuple[CaseResult, list[Pitfall]]], pitfalls: list[Pitfall]
) -> list[CaseResult]:
    """The case results, each naming the one known mistake told for it (see ``choose_pitfalls``)."""
    told = choose_pitfalls({case.id: [p.id for p in matched] for case, matched in graded})
    messages = {p.id: p.message for p in pitfalls}
    return [
        replace(case, pitfall=told.get(case.id), pitfall_message=messages.get(told.get(case.id) or "", ""))
        for case, _ in graded
    ]


def _targets(report: RunReport) -> set[str]:
    return {name for name, _ in report.calls} | set(report.load_problems) | set(report.load_warnings)


def _printed(report: RunReport | None) -> tuple[str, str]:
    return (report.stdout.strip(), report.stderr.strip()) if report else ("", "")


def _unprefixed(call: Call | None, key: str) -> Call | None:
    if call is not None and call.detail:
        call = replace(call, detail=call.detail.replace(f"{key}/", ""))
    return call


def _load_message(
    lp: LoadProblem, problem: Problem, learner_file: str, display: str
) -> tuple[str, ErrorInfo | None]:
    if lp.kind == "missing_function":
        return (
            f"{display} has no function named {problem.entry_point!r}, so no case could run. Try: "
            f"define it at the top level of the file as {_signature(problem)} (check the spelling).",
            None,
        )
    if lp.kind == "raised":
        err = feedback.error_info(lp.error or {}, learner_file, display)
        line = next((f.line for f in reversed(err.frames) if f.file == display), 0)
        where = f" on line {line}" if line else ""
        if err.type in feedback.SYNTAX_ERRORS:
            return f"{display} has a syntax error{where}, so no case could run.", err
        return f"{display} raised {err.type}{where} while being imported, so no case could run.", replace(
            err, hint=err.hint or feedback.GENERIC_ERROR_FIX
        )
    if lp.kind == "timeout":
        return (
            f"{display} took too long to import ({feedback.clean_text(lp.detail)}); is there a loop at the top level?",
            None,
        )
    return (
        f"{display} stopped the grader's process while being imported: {feedback.clean_text(lp.detail)}.",
        None,
    )


def _hidden_load_message(
    lp: LoadProblem, problem: Problem, v: redaction.Vouched, only: bool
) -> tuple[str, ErrorInfo | None]:
    """The import failed in the process that held the hidden inputs (``only``: the only import)."""
    where = "while being imported" if only else "while being imported for the hidden cases"
    if lp.kind == "missing_function":
        return _load_message(lp, problem, v.learner_file, v.display)
    if lp.kind == "raised":
        err = redaction.hidden_error(lp.error or {}, v)
        # shown as the file's traceback only when no other import was: the visible cases still ran
        return f"{v.display} raised an error {where}: {feedback.error_message(err)}", err if only else None
    if lp.kind == "timeout":
        return f"{v.display} took too long {where}; is there a loop at the top level?", None
    detail = redaction.hidden_detail(lp.detail, "it ended without reporting")
    return f"{v.display} stopped the grader's process {where}: {detail}.", None


def _case_result(
    problem: Problem,
    case: Case,
    call: Call | None,
    expected: Expected,
    pitfalls: list[Pitfall],
    v: redaction.Vouched,
) -> tuple[CaseResult, list[Pitfall]]:
    """The case's result, and every known mistake its outcome matches (the one told is chosen
    later, looking at all the cases)."""
    visible = not case.hidden
    base: dict[str, Any] = dict(
        id=case.id,
        visibility=case.visibility,
        points=case.points,
        inputs=_shown_inputs(problem, case) if visible else None,
        expected=expected.reference.get(case.id) if visible else None,
    )
    # a hidden call's own timing is the learner's to choose: it is not shown
    seconds = call.seconds if call is not None and visible else 0.0
    if call is None or call.outcome == "not_run":
        return CaseResult(
            status=CaseStatus.ERROR, message="not run: the file could not be loaded", **base
        ), []
    if call.outcome in ("timeout", "crashed"):
        detail = (
            feedback.clean_text(call.detail)
            if visible
            else redaction.hidden_detail(
                call.detail,
                "the time limit ran out"
                if call.outcome == "timeout"
                else "the worker ended without a result",
            )
        )
        status, what = (
            (CaseStatus.TIMEOUT, "took too long")
            if call.outcome == "timeout"
            else (CaseStatus.ERROR, "no result")
        )
        return CaseResult(status=status, message=f"{what}: {detail}", **base), []
    if call.outcome == "raised":
        raw = call.error or {}
        err = (
            feedback.error_info(raw, v.learner_file, v.display) if visible else redaction.hidden_error(raw, v)
        )
        if str(raw.get("type")) == "TypeError" and str(raw.get("message", "")).startswith(
            f"{problem.entry_point}()"
        ):
            # the grader's own call did not fit the learner's def line
            err = replace(
                err,
                hint=f"Your function takes other arguments than the statement's: define it as "
                f"{_signature(problem)}",
            )
        matched = _match_raised(
            str(raw.get("type", "")), str(raw.get("message", "")), case, expected, pitfalls
        )
        return CaseResult(
            status=CaseStatus.ERROR, message=feedback.error_message(err), error=err, seconds=seconds, **base
        ), matched
    want = expected.reference[case.id]
    mismatch = compare_tree(want, call.output, problem.rtol, problem.atol)
    received = call.output if visible else None
    if mismatch is None:
        return CaseResult(
            status=CaseStatus.PASSED, message="passed", seconds=seconds, received=received, **base
        ), []
    matched = _match_output(call.output, case, expected, pitfalls, problem)
    return CaseResult(
        status=CaseStatus.FAILED,
        message=feedback.mismatch_message(mismatch, reveal=visible),
        mismatch=mismatch if visible else Mismatch(mismatch.path, mismatch.kind, "", ""),
        seconds=seconds,
        received=received,
        **base,
    ), matched


def _match_output(
    output: Any, case: Case, expected: Expected, pitfalls: list[Pitfall], problem: Problem
) -> list[Pitfall]:
    matched: list[Pitfall] = []
    for p in pitfalls:
        theirs = expected.pitfalls.get(p.id, {}).get(case.id)
        if theirs is None or isinstance(theirs, Raised):
            continue
        if compare_tree(theirs, output, problem.rtol, problem.atol) is None:
            matched.append(p)
    return matched


def _match_raised(
    etype: str, message: str, case: Case, expected: Expected, pitfalls: list[Pitfall]
) -> list[Pitfall]:
    matched: list[Pitfall] = []
    for p in pitfalls:
        if p.exception_type is not None:
            if p.exception_type == etype and re.search(p.exception_match, message):
                matched.append(p)
            continue
        theirs = expected.pitfalls.get(p.id, {}).get(case.id)
        if isinstance(theirs, Raised) and theirs.matches(etype, message):
            matched.append(p)
    return matched


def _signature(problem: Problem) -> str:
    return f"def {problem.entry_point}({', '.join(a.name for a in problem.args)}):"


def _shown_inputs(problem: Problem, case: Case) -> dict:
    """The inputs of a visible case, as the learner's function receives them."""
    return {a.name: v for a, v in zip(problem.args, build_args(problem, case), strict=True)}


# ---------------------------------------------------------------- learner distributions


def load_published_expected(problem: Problem) -> Expected:
    """Expected outputs of visible cases, as written by ``grader export --student``."""
    path = problem.expected_path
    try:
        data = json.loads(path.read_text())
        buffers = [bytes.fromhex(b) for b in data["buffers"]]
        reference = {cid: wire.decode_value(spec, buffers) for cid, spec in data["outputs"].items()}
    except FileNotFoundError:
        raise GraderError(
            f"{problem.rel(path)} is missing: this copy has neither the reference "
            f"nor published expected outputs"
        ) from None
    except (ValueError, KeyError, TypeError, wire.WireError) as exc:
        raise GraderError(f"{problem.rel(path)} is damaged: {exc}") from None
    return Expected(reference=reference)


def exposure_note(root: Path) -> Note | None:
    """A note when the course's reference/ or the grader's cache (expected outputs) sits in a
    folder the sandbox lets learner code read (system folders, the Python environment)."""
    found = _exposed(str(root), str(cache.cache_dir()))
    if not found:
        return None
    return Note(
        f"Learner code can read {', '.join(feedback.clean_text(p) for p in found)} here: it lies in a "
        "folder the sandbox opens to submissions (system folders, the Python environment). Move the "
        "course, or set GRADER_CACHE_DIR, elsewhere; see `grader doctor`."
    )


@functools.lru_cache(maxsize=8)
def _exposed(root: str, cache_folder: str) -> tuple[str, ...]:
    if sandbox.turned_off("landlock"):
        return ()  # said by the note on missing protections
    policy = sandbox.learner_policy([], "/nonexistent-scratch", [])
    return tuple(sandbox.exposed(policy, [os.path.join(root, "reference"), cache_folder]))
