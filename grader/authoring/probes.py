"""Cheat probes: answers that do no work, which a case set must fail.

``grader validate`` runs each probe through the trusted path on every case, the way a learner's
file is run (same worker, same worlds, same recording), and reports any probe that passes every
case and every requirement: such a case set gives full marks without the exercise.

The probes are built from the reference's outputs:

- ``zeros`` and ``ones``: arrays of the reference output's structure, shape and dtype;
- ``first-visible-output``: the first visible case's expected output, returned for every case;
- ``statement-value-N``: the N-th entry of ``statement_values`` in problem.toml (what a learner can
  read in the statement's worked example): a number fills the output's shape, an array is
  returned as it is;
- ``returns-ARG``: the array argument ARG returned unchanged, when its shape is the output's on
  every case.

A problem accepts a probe only with a reason, in pitfalls.toml:

```toml
[[accepted_probes]]
id = "zeros"
reason = "Why a do-nothing answer is right here."
```
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from grader.course.catalogue import Case, Problem, build_args, input_problem
from grader.course.schema import Field, Finding, MetadataError, check_table, non_empty, read_toml
from grader.engine import wire, worlds
from grader.engine.limits import Limits
from grader.engine.runner import CaseInput, RunOptions, Target, run_targets, worker_source
from grader.grading.compare import compare_tree
from grader.grading.requirements import Requirement

ANSWERS = Path(__file__).with_name("probe_answers.py")

ACCEPTED_FIELDS = {
    "id": Field((str,), check=non_empty),
    "reason": Field((str,), check=non_empty),
}


@dataclass(frozen=True)
class Probe:
    id: str
    description: str  # completes "... passes every case"
    function: str  # in probe_answers.py
    given: dict[str, Any]  # case id -> the value passed as given=


@dataclass(frozen=True)
class AcceptedProbe:
    id: str
    reason: str


@dataclass
class ProbeOutcome:
    outputs: dict[str, Any]  # case id -> what came back (absent: raised, timed out or crashed)
    records: dict[str, dict]


# ---------------------------------------------------------------- metadata


def load_statement_values(problem: Problem) -> list:
    """``statement_values`` of problem.toml: numbers and rectangular nested lists of numbers."""
    display = problem.rel(problem.folder / "problem.toml")
    raw = read_toml(problem.folder / "problem.toml", display).get("statement_values", [])
    findings = []
    for i, value in enumerate(raw if isinstance(raw, list) else []):
        kind = "array" if isinstance(value, list) else "scalar"
        message = input_problem(kind, value)
        if message:
            findings.append(Finding(display, f"statement_values[{i}]", message.split(" (")[0]))
    if findings:
        raise MetadataError(findings)
    return list(raw) if isinstance(raw, list) else []


def load_accepted_probes(problem: Problem) -> list[AcceptedProbe]:
    """``[[accepted_probes]]`` of pitfalls.toml; MetadataError names the file and field of each fault."""
    if not problem.pitfalls_path.is_file():
        return []
    display = problem.rel(problem.pitfalls_path)
    raw = read_toml(problem.pitfalls_path, display).get("accepted_probes", [])
    findings: list[Finding] = []
    out: list[AcceptedProbe] = []
    seen: set[object] = set()
    for i, entry in enumerate(raw if isinstance(raw, list) else []):
        data = check_table(entry, ACCEPTED_FIELDS, display, f"accepted_probes[{i}]", findings)
        if data.get("id") in seen:
            findings.append(
                Finding(display, f"accepted_probes[{i}].id", f"probe {data['id']!r} is accepted twice")
            )
        seen.add(data.get("id"))
        if data.get("id") and data.get("reason"):
            out.append(AcceptedProbe(data["id"], data["reason"]))
    if findings:
        raise MetadataError(findings)
    return out


# ---------------------------------------------------------------- the probes


def plan_probes(
    problem: Problem, cases: list[Case], reference: dict[str, Any], statement_values: Sequence[Any] = ()
) -> list[Probe]:
    """The probes for this case set, each with its value per case."""
    probes = [
        Probe("zeros", "an all-zeros answer", "constant", {c.id: _filled(reference[c.id], 0) for c in cases}),
        Probe("ones", "an all-ones answer", "constant", {c.id: _filled(reference[c.id], 1) for c in cases}),
    ]
    first = next((c for c in cases if not c.hidden), None)
    if first is not None:
        value = _plain(reference[first.id])
        probes.append(
            Probe(
                "first-visible-output",
                f"returning case {first.id!r}'s expected output for every case",
                "constant",
                {c.id: value for c in cases},
            )
        )
    for n, value in enumerate(statement_values, 1):
        if isinstance(value, list):
            array = np.array(value, dtype=np.float32)
            probes.append(
                Probe(
                    f"statement-value-{n}",
                    f"returning the statement's array {value!r} for every case",
                    "constant",
                    {c.id: array for c in cases},
                )
            )
        else:
            probes.append(
                Probe(
                    f"statement-value-{n}",
                    f"an answer filled with the statement's value {value!r}",
                    "constant",
                    {c.id: _filled(reference[c.id], value) for c in cases},
                )
            )
    for index, arg in enumerate(problem.args):
        if arg.kind != "array":
            continue
        shapes_match = all(
            isinstance(reference[c.id], wire.ArrayValue)
            and build_args(problem, c)[index].shape == reference[c.id].data.shape
            for c in cases
        )
        if shapes_match:
            probes.append(
                Probe(
                    f"returns-{arg.name}",
                    f"returning the input {arg.name} unchanged",
                    "argument",
                    {c.id: index for c in cases},
                )
            )
    return probes


def _filled(value, number):
    """``value``'s structure with every array and number replaced by ``number``."""
    if isinstance(value, (list, tuple)):
        return type(value)(_filled(v, number) for v in value)
    if isinstance(value, dict):
        return {k: _filled(v, number) for k, v in value.items()}
    if isinstance(value, wire.ArrayValue):
        return np.full_like(value.data, number)
    if isinstance(value, float):
        return float(number)
    return value


def _plain(value):
    """A decoded value as plain data that can travel to a worker again (arrays as numpy)."""
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, wire.ArrayValue):
        return value.data
    return value


def run_probes(
    problem: Problem, cases: list[Case], probes: list[Probe], record: bool, options: RunOptions
) -> dict[str, ProbeOutcome]:
    """Every probe on every case, in one trusted worker; what came back, by probe id."""
    inputs, targets = [], []
    for probe in probes:
        ids = []
        for case in cases:
            cid = f"{probe.id}/{case.id}"
            ids.append(cid)
            args = build_args(problem, case) + (worlds.directive(case.world, record, probe.given[case.id]),)
            inputs.append(CaseInput(cid, args))
        targets.append(Target(f"probe:{probe.id}", ANSWERS, probe.function, cases=tuple(ids)))
    limits = Limits(case_seconds=max(problem.time_limit, 30.0), total_seconds=600.0)
    options = replace(options, workers=worker_source(options).fresh(), confine=False, spread=1)
    report = run_targets(targets, inputs, limits, options)
    outcomes = {}
    for probe in probes:
        outcome = ProbeOutcome({}, {})
        for case in cases:
            call = report.calls.get((f"probe:{probe.id}", f"{probe.id}/{case.id}"))
            if call is not None and call.outcome == "returned":
                outcome.outputs[case.id], record_ = worlds.split_record(call.output)
                if record_ is not None:
                    outcome.records[case.id] = record_
        outcomes[probe.id] = outcome
    return outcomes


# ---------------------------------------------------------------- findings


def probe_findings(
    problem: Problem,
    cases: list[Case],
    probes: list[Probe],
    outcomes: dict[str, ProbeOutcome],
    reference: dict[str, Any],
    requirements: list[Requirement],
    accepted: list[AcceptedProbe],
) -> list[Finding]:
    """An error for each probe that passes every case and requirement (unless accepted with a
    reason, then a note); an error for each acceptance that names no probe or a caught one."""
    found = []
    cases_file = problem.rel(problem.cases_path)
    pitfalls_file = problem.rel(problem.pitfalls_path)
    reasons = {a.id: a.reason for a in accepted}
    known = {p.id for p in probes}
    for i, a in enumerate(accepted):
        if a.id not in known:
            found.append(
                Finding(
                    pitfalls_file,
                    f"accepted_probes[{i}].id",
                    f"no probe {a.id!r} for this problem (probes: {', '.join(sorted(known))})",
                )
            )
    for probe in probes:
        outcome = outcomes[probe.id]
        catching = [
            c.id
            for c in cases
            if c.id not in outcome.outputs
            or compare_tree(reference[c.id], outcome.outputs[c.id], problem.rtol, problem.atol) is not None
        ]
        unmet = [
            r.id
            for r in requirements
            if not outcome.records or not all(r.holds(rec) for rec in outcome.records.values())
        ]
        if probe.id in reasons:
            by = caught_by(catching, unmet)
            if by:
                found.append(
                    Finding(
                        pitfalls_file,
                        f"accepted_probes[{probe.id}]",
                        f"probe {probe.id!r} is accepted, but {by} catches it; remove the entry",
                    )
                )
            else:
                found.append(
                    Finding(
                        pitfalls_file,
                        f"accepted_probes[{probe.id}]",
                        f"probe {probe.id!r} ({probe.description}) passes every case; accepted: "
                        f"{reasons[probe.id]}",
                        "note",
                    )
                )
        elif not catching and not unmet:
            found.append(
                Finding(
                    cases_file,
                    f"probes[{probe.id}]",
                    f"{probe.description} passes every case: the output does not depend on the "
                    "work; add a case (or a changed world) where it differs from the reference's, "
                    "or a requirement, or accept the probe with a reason in pitfalls.toml",
                )
            )
        elif not catching:
            found.append(
                Finding(
                    cases_file,
                    f"probes[{probe.id}]",
                    f"{probe.description} matches every case's output; only requirement "
                    f"{unmet[0]!r} catches it",
                    "note",
                )
            )
    return found


def caught_by(case_ids: list[str], unmet_requirements: list[str]) -> str | None:
    """What shows that an answer accepted as harmless is not: the first case that catches it, else
    the first requirement it does not meet; None when nothing does."""
    if case_ids:
        return f"case {case_ids[0]!r}"
    return f"requirement {unmet_requirements[0]!r}" if unmet_requirements else None
