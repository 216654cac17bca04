"""One explanation per way of failing: group the failing cases of a problem and tell each
group once, most cases first.

Cases fail "the same way" when they share the known mistake they match, or raise the same
exception type at the same line of the learner's file, or miss the expected output in the same
kind of way (wrong shape, wrong type, ...) with the same thing to try. Everything here reads
case results that grading already built, so a hidden case says no more than its result does.
"""

from __future__ import annotations

from collections import Counter

from grader.grading import feedback
from grader.grading.results import CaseResult, CaseStatus, Diagnosis

MISMATCH_TITLES = {
    "shape": "Wrong shape",
    "dtype": "Wrong dtype",
    "type": "Wrong type",
    "structure": "Wrong structure",
    "values": "Wrong values",
}


def choose_pitfalls(matches: dict[str, list[str]]) -> dict[str, str]:
    """Which known mistake to tell for each case, given every one its output matches (case id ->
    pitfall ids, in the order the problem declares them): first the one that explains the most
    cases, then, for the cases it does not explain, the next such one, and so on. Two mistakes
    are never told for one case, and a mistake that explains only cases a likelier one already
    explains is not told at all."""
    chosen: dict[str, str] = {}
    left = {cid: ids for cid, ids in matches.items() if ids}
    while left:
        counts = Counter(pid for ids in left.values() for pid in ids)
        order = [pid for ids in left.values() for pid in ids]
        best = max(counts, key=lambda pid: (counts[pid], -order.index(pid)))
        for cid in [cid for cid, ids in left.items() if best in ids]:
            chosen[cid] = best
            del left[cid]
    return chosen


def diagnose(cases: list[CaseResult]) -> list[Diagnosis]:
    """The diagnoses of a problem's failing cases, the one covering the most cases first."""
    groups: dict[tuple, list[CaseResult]] = {}
    # a value returned in another form (type, dtype, shape) is not what the model gave either: a
    # requirement that says so follows from the cases' diagnosis, and keeps its line in the table
    reshaped = any(
        c.kind == "case" and c.mismatch is not None and c.mismatch.kind != "values" and not c.pitfall
        for c in cases
    )
    for case in cases:
        if case.status in (CaseStatus.PASSED, CaseStatus.NOT_SUBMITTED):
            continue
        if case.error is not None and case.error.not_implemented:
            continue  # the problem's message says it once
        if case.kind == "requirement" and case.message.startswith("not checked"):
            continue  # follows from the cases' own failures
        if case.kind == "requirement" and reshaped and not case.pitfall:
            continue
        groups.setdefault(_key(case), []).append(case)
    ordered = sorted(groups.values(), key=len, reverse=True)  # stable: ties keep the cases' order
    return [_diagnosis(group) for group in ordered]


def _key(case: CaseResult) -> tuple:
    if case.pitfall:
        return ("pitfall", case.pitfall)
    if case.error is not None:
        # the line of the learner's function the error came through: one mistake reached by
        # several paths deeper down (layers built two ways) is still one mistake
        frame = case.error.frames[0] if case.error.frames else None
        return ("error", case.error.type, (frame.file, frame.line) if frame else None)
    if case.mismatch is not None:
        return ("mismatch", case.mismatch.kind, feedback.mismatch_fix(case.mismatch.kind, case.message))
    return ("other", case.status, case.kind, case.message)


def _diagnosis(group: list[CaseResult]) -> Diagnosis:
    # told from a visible case when there is one: its message says the most
    first = next((c for c in group if c.visibility == "visible" and c.kind == "case"), group[0])
    ids = tuple(c.id for c in group)
    example = (
        first.id
        if first.visibility == "visible" and first.kind == "case" and first.inputs is not None
        else None
    )
    error = next((c.error for c in [first, *group] if c.error is not None), None)
    if first.pitfall:
        return Diagnosis(
            "pitfall",
            "Known mistake",
            first.message,
            first.pitfall_message,
            ids,
            error,
            first.pitfall,
            example,
        )
    if error is not None:
        frame = error.frames[-1] if error.frames else None
        where = f" at {frame.file}:{frame.line}" if frame and not frame.file.startswith("<") else ""
        return Diagnosis(
            "error",
            f"{error.type}{where}",
            first.message,
            error.hint or feedback.GENERIC_ERROR_FIX,
            ids,
            error,
            None,
            example,
        )
    if first.mismatch is not None:
        return Diagnosis(
            "mismatch",
            MISMATCH_TITLES.get(first.mismatch.kind, "Wrong output"),
            first.message,
            feedback.mismatch_fix(first.mismatch.kind, first.message),
            ids,
            None,
            None,
            example,
        )
    if first.kind == "requirement":
        return Diagnosis("requirement", "Requirement not met", first.message, "", ids)
    if first.status is CaseStatus.TIMEOUT:
        return Diagnosis(
            "other",
            "Too slow",
            first.message,
            "Look for a loop that never ends, or work repeated on every step that could be done once.",
            ids,
        )
    return Diagnosis("other", "No result", first.message, "", ids)
