"""Expected outputs: the reference's and each pitfall's, computed only by trusted processes.

Outputs are cached on disk in the wire format, keyed by the content of everything that could
change them (reference, pitfalls, cases, metadata) and the versions of the numeric stack.
No learner process ever writes to this cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from grader.course.catalogue import Case, Problem, build_args
from grader.engine import cache, wire, worlds
from grader.engine.limits import Limits
from grader.engine.runner import CaseInput, RunOptions, Target, run_targets, worker_source
from grader.engine.session import LoadProblem
from grader.errors import GraderError
from grader.grading.requirements import load_requirements

CACHE_FORMAT = 2
_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")


@dataclass(frozen=True)
class Raised:
    type: str
    message: str

    def matches(self, other_type: str, other_message: str) -> bool:
        return self.type == other_type and _normal(self.message) == _normal(other_message)


def _normal(message: str) -> str:
    return _ADDRESS.sub("0x?", message.strip())


@dataclass
class Expected:
    """Per case id: the reference's output; per pitfall id and case id: its output or Raised.
    When the problem has requirements, the events each call recorded, the same way."""

    reference: dict[str, Any]
    pitfalls: dict[str, dict[str, Any]] = field(default_factory=dict)
    reference_records: dict[str, dict] = field(default_factory=dict)
    pitfall_records: dict[str, dict[str, dict]] = field(default_factory=dict)
    seconds: float = 0.0  # time the trusted run took (0 when it came from the cache)
    from_cache: bool = False


def case_inputs(problem: Problem, cases: list[Case], record: bool | None = None) -> list[CaseInput]:
    """The calls' arguments, each ending with a directive (grader/engine/worlds.py) when the case runs in
    a changed world or the calls must be recorded (by default: when the problem has requirements)."""
    if record is None:
        record = bool(load_requirements(problem))
    out = []
    for c in cases:
        args = build_args(problem, c)
        if c.world or record:
            args += (worlds.directive(c.world, record),)
        out.append(CaseInput(c.id, args))
    return out


def trusted_jax_cache() -> Path:
    """JAX's compilation cache written by trusted runs only (reference and pitfalls)."""
    return cache.cache_dir() / "jax" / "trusted"


def cache_key(problem: Problem, options: RunOptions) -> str:
    h = hashlib.sha256()
    h.update(
        json.dumps(
            {
                "format": CACHE_FORMAT,
                "versions": cache.stack_versions(),
                "platform": options.platform,
                "entry": problem.entry_point,
                "args": [(a.name, a.kind) for a in problem.args],
            },
            sort_keys=True,
        ).encode()
    )
    worlds_source = Path(worlds.__file__)  # what a world changes is part of every output
    for path in (
        problem.reference_path,
        problem.pitfalls_path,
        problem.pitfall_code_path,
        problem.cases_path,
        problem.folder / "problem.toml",
        worlds_source,
    ):
        h.update(path.name.encode())
        h.update(path.read_bytes() if path.is_file() else b"<absent>")
    return h.hexdigest()


def trusted_targets(problem: Problem) -> list[Target]:
    targets = [Target("reference", problem.reference_path, problem.entry_point)]
    for p in problem.pitfalls():
        if p.function:
            targets.append(Target(f"pitfall:{p.id}", problem.pitfall_code_path, p.function))
    return targets


def compute_expected(
    problem: Problem, options: RunOptions = RunOptions(), use_cache: bool = True
) -> Expected:
    """The reference's outputs (and pitfalls') on every case, from the cache or a trusted run."""
    if not problem.has_reference:
        raise GraderError(
            f"{problem.rel(problem.reference_path)} is missing: this copy cannot grade hidden cases"
        )
    path = _cache_path(problem, options)
    if use_cache:
        found = _read_cache(path)
        if found is not None:
            return found
    if options.jax_cache_dir is None:
        options = replace(options, jax_cache_dir=str(trusted_jax_cache()))
    expected = run_trusted(problem, options)
    if use_cache:
        _write_cache(path, expected)
    return expected


def store_expected(problem: Problem, expected: Expected, options: RunOptions = RunOptions()) -> None:
    """Cache the outputs of a trusted run made elsewhere, so later grading reuses them."""
    _write_cache(_cache_path(problem, options), expected)


def _cache_path(problem: Problem, options: RunOptions) -> Path:
    return cache.cache_dir() / f"{problem.slug}-{cache_key(problem, options)[:32]}.bin"


def run_trusted(problem: Problem, options: RunOptions) -> Expected:
    cases = problem.cases()
    limits = Limits(case_seconds=max(problem.time_limit, 30.0), total_seconds=600.0)
    # never in a worker kept for a learner's checks: trusted code runs in a process of its own
    options = replace(options, workers=worker_source(options).fresh(), confine=False, spread=1)
    report = run_targets(trusted_targets(problem), case_inputs(problem, cases), limits, options)
    ref_file = problem.rel(problem.reference_path)
    if "reference" in report.load_problems:
        lp = report.load_problems["reference"]
        raise GraderError(
            f"{ref_file} could not be loaded: {_describe_load(lp)}", ref_file, f"def {problem.entry_point}"
        )
    expected = Expected(reference={})
    seconds = 0.0
    for case in cases:
        call = report.calls[("reference", case.id)]
        seconds += call.seconds
        if call.outcome != "returned":
            why = (
                f"{call.error['type']}: {call.error['message']}"
                if call.error
                else call.detail or call.outcome
            )
            raise GraderError(f"{ref_file} failed on case {case.id!r}: {why}", ref_file, f"cases[{case.id}]")
        expected.reference[case.id], record = worlds.split_record(call.output)
        if record is not None:
            expected.reference_records[case.id] = record
    for target in trusted_targets(problem)[1:]:
        pid = target.name.split(":", 1)[1]
        if target.name in report.load_problems:
            lp = report.load_problems[target.name]
            raise GraderError(
                f"{problem.rel(problem.pitfall_code_path)}: pitfall {pid!r} could not be loaded: "
                f"{_describe_load(lp)}",
                problem.rel(problem.pitfall_code_path),
                f"def {target.function}",
            )
        outcomes, records = {}, {}
        for case in cases:
            call = report.calls[(target.name, case.id)]
            if call.outcome == "returned":
                outcomes[case.id], record = worlds.split_record(call.output)
                if record is not None:
                    records[case.id] = record
            elif call.outcome == "raised" and call.error is not None:  # a raised call carries its error
                outcomes[case.id] = Raised(call.error["type"], call.error["message"])
            # a pitfall that timed out or crashed simply matches nothing on that case
        expected.pitfalls[pid] = outcomes
        expected.pitfall_records[pid] = records
    expected.seconds = seconds
    return expected


def _describe_load(lp: LoadProblem) -> str:
    if lp.error:
        return f"{lp.error['type']}: {lp.error['message']}"
    return lp.detail or lp.kind


# ---------------------------------------------------------------- cache file


def _encode(expected: Expected) -> bytes:
    buffers: list[bytes] = []

    def put(value: Any) -> dict:
        if isinstance(value, Raised):
            return {"raised": [value.type, value.message]}
        spec, bufs = wire.encode_value(value, wire.classify_decoded, 1 << 40)
        spec = wire.offset_buffers(spec, len(buffers))
        buffers.extend(bufs)
        return {"value": spec}

    header = {
        "format": CACHE_FORMAT,
        "reference": {cid: put(v) for cid, v in expected.reference.items()},
        "pitfalls": {
            pid: {cid: put(v) for cid, v in outs.items()} for pid, outs in expected.pitfalls.items()
        },
        "reference_records": expected.reference_records,
        "pitfall_records": expected.pitfall_records,
    }
    return wire.encode_frame(header, buffers)


def _decode(data: bytes) -> Expected | None:
    frames = wire.FrameReader(len(data) + 1).feed(data)
    if len(frames) != 1:
        return None
    header, buffers = frames[0]
    if header.get("format") != CACHE_FORMAT:
        return None

    def get(entry: dict) -> Any:
        if "raised" in entry:
            return Raised(*entry["raised"])
        return wire.decode_value(entry["value"], buffers)

    return Expected(
        reference={cid: get(e) for cid, e in header["reference"].items()},
        pitfalls={pid: {cid: get(e) for cid, e in outs.items()} for pid, outs in header["pitfalls"].items()},
        reference_records=header["reference_records"],
        pitfall_records=header["pitfall_records"],
        from_cache=True,
    )


def _read_cache(path: Path) -> Expected | None:
    try:
        return _decode(path.read_bytes())
    except (OSError, wire.WireError, KeyError, TypeError, ValueError):
        return None  # a missing or damaged entry is recomputed


def _write_cache(path: Path, expected: Expected) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_bytes(_encode(expected))
        os.replace(tmp, path)  # atomic: readers see the old entry or the new one, never half
    except OSError:
        pass  # caching is an optimisation; grading goes on without it
