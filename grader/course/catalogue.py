"""The problem catalogue: problem folders, their metadata, cases and (instructor-only) pitfalls."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from grader.course.schema import (
    Field,
    Finding,
    MetadataError,
    check_table,
    non_empty,
    non_negative,
    one_of,
    positive,
    read_toml,
)
from grader.engine.worlds import WORLDS

R = TypeVar("R")

FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

PROBLEM_FIELDS = {
    "format_version": Field((int,), check=one_of(FORMAT_VERSION)),
    "title": Field((str,), check=non_empty),
    "position": Field((int,), check=non_negative),
    "difficulty": Field((str,), check=one_of("easy", "medium", "hard")),
    "entry_point": Field(
        (str,), check=lambda v: None if IDENT_RE.match(v) else "must be a Python identifier"
    ),
    "summary": Field((str,), required=False, default=""),
    "time_limit": Field((float,), required=False, default=10.0, check=positive),
    "weight": Field((float,), required=False, default=1.0, check=positive),
    "hints": Field((list,), required=False, default=[]),
    "args": Field((list,), check=non_empty),
    "tolerance": Field((dict,), required=False, default={}),
    # checked in detail by grader/grading/requirements.py and grader/authoring/probes.py
    "requirements": Field((list,), required=False, default=[]),
    "statement_values": Field((list,), required=False, default=[]),
}
ARG_FIELDS = {
    "name": Field((str,), check=lambda v: None if IDENT_RE.match(v) else "must be a Python identifier"),
    "kind": Field((str,), check=one_of("scalar", "array")),
}
TOLERANCE_FIELDS = {
    "rtol": Field((float,), required=False, default=1e-5, check=non_negative),
    "atol": Field((float,), required=False, default=1e-6, check=non_negative),
}
CASES_FIELDS = {
    "format_version": Field((int,), check=one_of(FORMAT_VERSION)),
    "cases": Field((list,), check=non_empty),
}
CASE_FIELDS = {
    "id": Field(
        (str,), check=lambda v: None if ID_RE.match(v) else "must be letters, digits, '-', '_' or '.'"
    ),
    "visibility": Field((str,), check=one_of("visible", "hidden")),
    "points": Field((float,), required=False, default=1.0, check=non_negative),
    "inputs": Field((dict,)),
    "world": Field(
        (str,),
        required=False,
        check=lambda v: None if v in WORLDS else f"unknown world {v!r} (known: {', '.join(WORLDS)})",
    ),
}
PITFALLS_FIELDS = {
    "format_version": Field((int,), check=one_of(FORMAT_VERSION)),
    "pitfalls": Field((list,), required=False, default=[]),
    "accepted_probes": Field((list,), required=False, default=[]),  # see grader/authoring/probes.py
}
PITFALL_FIELDS = {
    "id": Field(
        (str,), check=lambda v: None if ID_RE.match(v) else "must be letters, digits, '-', '_' or '.'"
    ),
    "message": Field((str,), check=non_empty),
    "function": Field(
        (str,), required=False, check=lambda v: None if IDENT_RE.match(v) else "must be a Python identifier"
    ),
    "exception": Field((dict,), required=False),
    "equivalent": Field((str,), required=False, check=non_empty),
}
EXCEPTION_FIELDS = {
    "type": Field((str,), check=non_empty),
    "match": Field((str,), required=False, default=""),
}


@dataclass(frozen=True)
class Arg:
    name: str
    kind: str  # scalar | array


@dataclass(frozen=True)
class Case:
    id: str
    visibility: str
    points: float
    inputs: dict  # raw TOML values, by argument name
    world: str | None = None  # a changed world of library defaults (grader/engine/worlds.py)

    @property
    def hidden(self) -> bool:
        return self.visibility == "hidden"


@dataclass(frozen=True)
class Pitfall:
    id: str
    message: str
    function: str | None
    exception_type: str | None
    exception_match: str
    equivalent: str | None


class _CourseFile:
    """A path of a problem's files: ``<root>/<top>/<slug>/<name>`` (its folder without a name)."""

    def __init__(self, top: str, name: str = "") -> None:
        self.top, self.name = top, name

    def __get__(self, problem: Problem, owner: type | None = None) -> Path:
        folder = problem.root / self.top / problem.slug
        return folder / self.name if self.name else folder


@dataclass(frozen=True)
class Problem:
    slug: str
    root: Path  # the repository (or learner distribution) holding problems/ and reference/
    title: str
    position: int
    difficulty: str
    entry_point: str
    summary: str
    time_limit: float
    weight: float
    hints: tuple[str, ...]
    args: tuple[Arg, ...]
    rtol: float
    atol: float

    # where its files are, each named once (see _CourseFile)
    folder = _CourseFile("problems")
    statement_path = _CourseFile("problems", "statement.md")
    stub_path = _CourseFile("problems", "stub.py")
    cases_path = _CourseFile("problems", "cases.toml")
    expected_path = _CourseFile("problems", "expected.json")  # only in a learner distribution
    reference_dir = _CourseFile("reference")
    reference_path = _CourseFile("reference", "solution.py")
    pitfalls_path = _CourseFile("reference", "pitfalls.toml")
    pitfall_code_path = _CourseFile("reference", "pitfalls.py")

    @property
    def has_reference(self) -> bool:
        return self.reference_path.is_file()

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def cases(self) -> list[Case]:
        return load_cases(self)

    def pitfalls(self) -> list[Pitfall]:
        return load_pitfalls(self)


@dataclass
class Catalogue:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    broken: dict[str, list[Finding]] = field(default_factory=dict)

    def get(self, slug: str) -> Problem:
        for p in self.problems:
            if p.slug == slug:
                return p
        if slug in self.broken:
            raise MetadataError(self.broken[slug])
        known = ", ".join(p.slug for p in self.problems) or "none"
        raise LookupError(f"unknown problem {slug!r} (known: {known})")


def find_root(start: Path | None = None) -> Path:
    """The folder holding ``problems/``: $GRADER_ROOT, else the nearest one up from ``start``."""
    env = os.environ.get("GRADER_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "problems").is_dir():
            return folder
    bundled = bundled_root()
    if bundled is not None:
        return bundled
    raise LookupError(
        "no course here: no problems/ folder in this folder or above. Run inside a course "
        "folder, pass --root DIR or set GRADER_ROOT=DIR, or make a course with `grader init DIR`"
    )


def bundled_root() -> Path | None:
    """The course of the repository checkout this package runs from (an editable install); None
    for an installed wheel, which ships no course."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "problems").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    return None


def problem_folders(folder: Path) -> list[str]:
    """The names of the problem folders in ``folder`` (``problems/`` or ``reference/``), sorted;
    hidden and underscore folders are not problems."""
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def select_slugs(root: Path, slugs: list[str] | None) -> list[str]:
    """The named problems, or every problem folder when none is named. Raises LookupError for a
    name with no folder, before anything runs."""
    folders = problem_folders(root / "problems")
    unknown = [s for s in slugs or [] if s not in folders]
    if unknown:
        raise LookupError(f"unknown problem {unknown[0]!r} (known: {', '.join(folders) or 'none'})")
    return list(slugs or folders)


Progress = Callable[[str], None]  # told a line about what is being done now


def map_problems(
    work: Callable[[Path, str, Progress | None], R],
    root: Path,
    slugs: list[str] | None = None,
    progress: Progress | None = None,
) -> list[R]:
    """``work(root, slug, progress)`` for each named problem (default: every folder), ``root``
    made absolute (code runs in scratch folders). Raises LookupError for a name with no folder,
    before any work starts."""
    root = root.resolve()
    return [work(root, slug, progress) for slug in select_slugs(root, slugs)]


def load_catalogue(root: Path) -> Catalogue:
    """Load every problem folder under ``root/problems``, in track order; keep broken ones apart."""
    cat = Catalogue(root=root)
    for slug in problem_folders(root / "problems"):
        try:
            cat.problems.append(load_problem(root, slug))
        except MetadataError as exc:
            cat.broken[slug] = exc.findings
    cat.problems.sort(key=lambda p: (p.position, p.slug))
    return cat


def load_problem(root: Path, slug: str) -> Problem:
    display = f"problems/{slug}/problem.toml"
    findings: list[Finding] = []
    if not SLUG_RE.match(slug):
        findings.append(
            Finding(f"problems/{slug}", "", "folder name must be a lowercase slug like 'my-problem'")
        )
    raw = read_toml(root / "problems" / slug / "problem.toml", display)
    data = check_table(raw, PROBLEM_FIELDS, display, "", findings)
    args = []
    for i, a in enumerate(data["args"] or []):
        arg = check_table(a, ARG_FIELDS, display, f"args[{i}]", findings)
        if arg.get("name") and arg.get("kind"):
            args.append(Arg(arg["name"], arg["kind"]))
    names = [a.name for a in args]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        findings.append(Finding(display, "args", f"argument {dup!r} is listed twice"))
    hints = data["hints"] or []
    for i, hint in enumerate(hints):
        if not isinstance(hint, str) or not hint.strip():
            findings.append(Finding(display, f"hints[{i}]", "must be a non-empty string"))
    tol = check_table(data["tolerance"] or {}, TOLERANCE_FIELDS, display, "tolerance", findings)
    if findings:
        raise MetadataError(findings)
    return Problem(
        slug=slug,
        root=root,
        title=data["title"],
        position=data["position"],
        difficulty=data["difficulty"],
        entry_point=data["entry_point"],
        summary=data["summary"],
        time_limit=data["time_limit"],
        weight=data["weight"],
        hints=tuple(hints),
        args=tuple(args),
        rtol=tol["rtol"],
        atol=tol["atol"],
    )


def load_cases(problem: Problem) -> list[Case]:
    display = problem.rel(problem.cases_path)
    findings: list[Finding] = []
    raw = read_toml(problem.cases_path, display)
    data = check_table(raw, CASES_FIELDS, display, "", findings)
    cases, seen = [], set()
    for i, c in enumerate(data["cases"] or []):
        where = f"cases[{i}]"
        entry = check_table(c, CASE_FIELDS, display, where, findings)
        cid = entry.get("id")
        if cid in seen:
            findings.append(Finding(display, f"{where}.id", f"case id {cid!r} is used twice"))
        seen.add(cid)
        inputs = entry.get("inputs") or {}
        label = f"{where}.inputs" if not cid else f"cases[{cid}].inputs"
        for arg in problem.args:
            if arg.name not in inputs:
                findings.append(Finding(display, f"{label}.{arg.name}", "is missing"))
            else:
                message = input_problem(arg.kind, inputs[arg.name])
                if message:
                    findings.append(Finding(display, f"{label}.{arg.name}", message))
        for extra in sorted(set(inputs) - {a.name for a in problem.args}):
            findings.append(Finding(display, f"{label}.{extra}", "is not an argument of the entry point"))
        if entry.get("world") and entry.get("visibility") == "visible":
            findings.append(
                Finding(
                    display,
                    f"cases[{cid}].world" if cid else f"{where}.world",
                    "only hidden cases may change the world: statements say that hidden "
                    "cases may change library defaults, and visible ones show the usual world",
                )
            )
        if cid and entry.get("visibility") and entry.get("inputs") is not None:
            cases.append(Case(cid, entry["visibility"], entry["points"], inputs, entry.get("world")))
    if findings:
        raise MetadataError(findings)
    return cases


def load_pitfalls(problem: Problem) -> list[Pitfall]:
    if not problem.pitfalls_path.is_file():
        return []
    display = problem.rel(problem.pitfalls_path)
    findings: list[Finding] = []
    data = check_table(read_toml(problem.pitfalls_path, display), PITFALLS_FIELDS, display, "", findings)
    pitfalls, seen = [], set()
    for i, p in enumerate(data["pitfalls"] or []):
        where = f"pitfalls[{i}]"
        entry = check_table(p, PITFALL_FIELDS, display, where, findings)
        exc = None
        if entry.get("exception") is not None:
            exc = check_table(entry["exception"], EXCEPTION_FIELDS, display, f"{where}.exception", findings)
            try:
                re.compile(exc.get("match") or "")
            except re.error as err:
                findings.append(
                    Finding(display, f"{where}.exception.match", f"is not a valid regular expression: {err}")
                )
        if (entry.get("function") is None) == (exc is None):
            findings.append(Finding(display, where, "needs exactly one of 'function' or 'exception'"))
        if entry.get("id") in seen:
            findings.append(Finding(display, f"{where}.id", f"pitfall id {entry['id']!r} is used twice"))
        seen.add(entry.get("id"))
        pitfalls.append(
            Pitfall(
                id=entry.get("id") or "",
                message=entry.get("message") or "",
                function=entry.get("function"),
                exception_type=(exc or {}).get("type"),
                exception_match=(exc or {}).get("match") or "",
                equivalent=entry.get("equivalent"),
            )
        )
    if findings:
        raise MetadataError(findings)
    return pitfalls


# ---------------------------------------------------------------- inputs


def input_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` is not a valid input of this kind, or None."""
    if kind == "scalar":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return "must be a number (scalar argument)"
        return None
    if isinstance(value, dict):
        try:
            generate_array(value)
        except ValueError as exc:
            return str(exc)
        return None
    if isinstance(value, list):
        try:
            arr = np.array(value, dtype=np.float32)
        except (ValueError, TypeError):
            return "must be a rectangular nested list of numbers (array argument)"
        if arr.ndim == 0 or _has_non_numbers(value):
            return "must be a rectangular nested list of numbers (array argument)"
        return None
    return "must be a nested list of numbers or a generator table (array argument)"


def _has_non_numbers(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_non_numbers(v) for v in value)
    return isinstance(value, bool) or not isinstance(value, (int, float))


_GENERATOR_KEYS = {"random": {"random", "shape", "seed", "scale", "low", "high"}, "fill": {"fill", "shape"}}


def generate_array(spec: dict) -> np.ndarray:
    kind = "random" if "random" in spec else "fill" if "fill" in spec else None
    if kind is None:
        raise ValueError("a generator table needs 'random' or 'fill'")
    extra = set(spec) - _GENERATOR_KEYS[kind]
    if extra:
        raise ValueError(f"unknown generator key(s): {', '.join(sorted(extra))}")
    shape = spec.get("shape")
    if not isinstance(shape, list) or not all(type(s) is int and s >= 0 for s in shape) or not shape:
        raise ValueError("'shape' must be a non-empty list of non-negative integers")
    if kind == "fill":
        if isinstance(spec["fill"], bool) or not isinstance(spec["fill"], (int, float)):
            raise ValueError("'fill' must be a number")
        return np.full(shape, spec["fill"], dtype=np.float32)
    seed = spec.get("seed")
    if type(seed) is not int:
        raise ValueError("a random generator needs an integer 'seed'")
    rng = np.random.default_rng(seed)
    if spec["random"] == "normal":
        return (rng.standard_normal(shape) * float(spec.get("scale", 1.0))).astype(np.float32)
    if spec["random"] == "uniform":
        return rng.uniform(float(spec.get("low", 0.0)), float(spec.get("high", 1.0)), shape).astype(
            np.float32
        )
    raise ValueError("'random' must be 'normal' or 'uniform'")


def build_args(problem: Problem, case: Case) -> tuple:
    """The call arguments of a case: scalars as Python floats, arrays as float32 numpy arrays."""
    out: list[float | np.ndarray] = []
    for arg in problem.args:
        value = case.inputs[arg.name]
        if arg.kind == "scalar":
            out.append(float(value))
        elif isinstance(value, dict):
            out.append(generate_array(value))
        else:
            out.append(np.array(value, dtype=np.float32))
    return tuple(out)
