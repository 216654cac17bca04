"""Requirements: what a solution's code must have done, where its outputs cannot tell.

A problem lists them in problem.toml; each is checked on the events the worker recorded while the
learner's function ran (grader/engine/worlds.py), on every case that returned, and is graded as an
entry of its own next to the cases (id ``requirement:<id>``), with its points. The events come
from the learner's own process, so a requirement only ever takes points away.

```toml
[[requirements]]
id = "runs-the-model"
message = "Build the MLP from nnx.Linear layers and return what calling it gives."
any_of = [{ seen = ["nnx.Linear", "returned:nnx.Linear"] }]   # one alternative must hold
```

An alternative holds when every event in ``seen`` was recorded at least once and none in
``not_seen`` was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from grader.course import schema
from grader.course.catalogue import ID_RE, Pitfall, Problem
from grader.course.schema import Field, Finding, MetadataError, read_toml
from grader.engine.session import Call
from grader.engine.worlds import EVENTS, split_record, well_formed
from grader.grading.compare import compare_tree
from grader.grading.results import CaseResult, CaseStatus

PREFIX = "requirement:"

REQUIREMENT_FIELDS = {
    "id": Field(
        (str,), check=lambda v: None if ID_RE.match(v) else "must be letters, digits, '-', '_' or '.'"
    ),
    "message": Field((str,), check=schema.non_empty),
    "points": Field((float,), required=False, default=1.0, check=schema.non_negative),
    "any_of": Field((list,), check=schema.non_empty),
}
ALTERNATIVE_FIELDS = {
    "seen": Field((list,), required=False, default=[]),
    "not_seen": Field((list,), required=False, default=[]),
}


@dataclass(frozen=True)
class Alternative:
    seen: tuple[str, ...]
    not_seen: tuple[str, ...]

    def holds(self, record: dict) -> bool:
        return all(record.get(e, 0) > 0 for e in self.seen) and not any(
            record.get(e, 0) > 0 for e in self.not_seen
        )


@dataclass(frozen=True)
class Requirement:
    id: str
    message: str
    points: float
    any_of: tuple[Alternative, ...]

    def holds(self, record: dict) -> bool:
        """Whether one case's record meets an alternative; a record that is not what a recorder
        sends (learner code can reach it) meets none."""
        return well_formed(record) and any(a.holds(record) for a in self.any_of)


def load_requirements(problem: Problem) -> list[Requirement]:
    """The ``[[requirements]]`` of problem.toml; MetadataError names the file and field of each fault."""
    display = problem.rel(problem.folder / "problem.toml")
    raw = read_toml(problem.folder / "problem.toml", display).get("requirements", [])
    findings: list[Finding] = []
    out, seen_ids = [], set()
    if not isinstance(raw, list):
        raise MetadataError([Finding(display, "requirements", "must be a list of tables")])
    for i, entry in enumerate(raw):
        where = f"requirements[{i}]"
        data = schema.check_table(entry, REQUIREMENT_FIELDS, display, where, findings)
        if data.get("id") in seen_ids:
            findings.append(Finding(display, f"{where}.id", f"requirement id {data['id']!r} is used twice"))
        seen_ids.add(data.get("id"))
        alternatives = []
        for j, alt in enumerate(data.get("any_of") or []):
            a = schema.check_table(alt, ALTERNATIVE_FIELDS, display, f"{where}.any_of[{j}]", findings)
            for key in ("seen", "not_seen"):
                for event in a.get(key) or []:
                    if event not in EVENTS:
                        findings.append(
                            Finding(
                                display,
                                f"{where}.any_of[{j}].{key}",
                                f"unknown event {event!r} (known: {', '.join(EVENTS)})",
                            )
                        )
            if a and not (a.get("seen") or a.get("not_seen")):
                findings.append(Finding(display, f"{where}.any_of[{j}]", "needs 'seen' or 'not_seen'"))
            alternatives.append(Alternative(tuple(a.get("seen") or ()), tuple(a.get("not_seen") or ())))
        if data.get("id") and data.get("message"):
            out.append(Requirement(data["id"], data["message"], data["points"], tuple(alternatives)))
    if findings:
        raise MetadataError(findings)
    return out


def unmet(requirements: list[Requirement], records: dict[str, dict]) -> dict[str, list[str]]:
    """For each requirement, the ids of the cases (with a record) where it does not hold."""
    return {r.id: [cid for cid, rec in records.items() if not r.holds(rec)] for r in requirements}


def requirement_results(
    problem: Problem,
    requirements: list[Requirement],
    records: dict[str, dict],
    expected: Any = None,
    pitfalls: Sequence[Pitfall] = (),
    outputs: dict | None = None,
) -> list[CaseResult]:
    """One entry per requirement, graded on the records of the cases that returned. With the
    expected outputs, a failed requirement names the known mistake that fails it the same way
    and whose outputs the learner's match."""
    results: list[CaseResult] = []
    for req, failing in unmet(requirements, records).items():
        requirement = next(r for r in requirements if r.id == req)
        base: dict[str, Any] = dict(
            id=PREFIX + req, visibility="visible", points=requirement.points, kind="requirement"
        )
        if not records:
            # FAILED, not ERROR: the cases' own statuses (timeout, error) tell what went wrong
            results.append(
                CaseResult(status=CaseStatus.FAILED, message="not checked: no case returned a result", **base)
            )
        elif not failing:
            results.append(CaseResult(status=CaseStatus.PASSED, message="passed", **base))
        else:
            pitfall = (
                _known_mistake(problem, requirement, expected, pitfalls, outputs or {}) if expected else None
            )
            results.append(
                CaseResult(
                    status=CaseStatus.FAILED,
                    message=requirement.message,
                    pitfall=pitfall.id if pitfall else None,
                    pitfall_message=pitfall.message if pitfall else "",
                    **base,
                )
            )
    return results


# ``expected``: a grader.grading.trusted.Expected (that module imports this one)
def _known_mistake(
    problem: Problem, requirement: Requirement, expected: Any, pitfalls: Sequence[Pitfall], outputs: dict
) -> Pitfall | None:
    for p in pitfalls:
        records = expected.pitfall_records.get(p.id, {})
        if not records or all(requirement.holds(r) for r in records.values()):
            continue
        theirs = expected.pitfalls.get(p.id, {})
        if all(
            cid in theirs and compare_tree(theirs[cid], out, problem.rtol, problem.atol) is None
            for cid, out in outputs.items()
        ):
            return p
    return None


def take_records(calls: dict[str, Call | None]) -> dict[str, dict]:
    """Take the recorded events out of the returned calls (``calls``: case id -> Call, changed in
    place so each output is what the function returned); return them by case id."""
    records: dict[str, dict] = {}
    for cid, call in calls.items():
        if call is not None and call.outcome == "returned":
            call.output, record = split_record(call.output)
            if record is not None:
                records[cid] = record
    return records


def requirement_entries(
    problem: Problem,
    calls: dict[str, Call | None],
    records: dict[str, dict],
    expected: Any,
    pitfalls: Sequence[Pitfall],
) -> list[CaseResult]:
    """The graded entries of the problem's requirements for one learner's run."""
    requirements = load_requirements(problem)
    if not requirements:
        return []
    outputs = {
        cid: call.output for cid, call in calls.items() if call is not None and call.outcome == "returned"
    }
    return requirement_results(problem, requirements, records, expected, pitfalls, outputs)
