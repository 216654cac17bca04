"""A small declarative checker for TOML tables: every finding names the file and the field."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.errors import GraderError


@dataclass(frozen=True)
class Finding:
    """One problem with a file: where it is and what is wrong. ``severity`` is error or note."""

    file: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


class HasFindings:
    """For a report holding ``findings``: ``errors`` are those of severity error."""

    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


class MetadataError(GraderError):
    """Raised with every finding when a file cannot be used."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings))


@dataclass(frozen=True)
class Field:
    types: tuple[type, ...]
    required: bool = True
    default: Any = None
    check: Callable[[Any], str | None] | None = None  # returns a message when the value is bad


def one_of(*choices: object) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(map(str, choices))}, not {value!r}"

    return check


def positive(value: Any) -> str | None:
    return None if value > 0 else f"must be greater than 0, not {value!r}"


def non_negative(value: Any) -> str | None:
    return None if value >= 0 else f"must not be negative, not {value!r}"


def non_empty(value: Any) -> str | None:
    return None if len(value) > 0 else "must not be empty"


def read_toml(path: Path, display: str) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise MetadataError([Finding(display, "", "file is missing")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise MetadataError([Finding(display, "", f"is not valid TOML: {exc}")]) from None


def check_table(
    table: Any, fields: dict[str, Field], file: str, prefix: str, findings: list[Finding]
) -> dict:
    """Validate ``table`` against ``fields``; return it with defaults filled. Appends findings."""
    where = prefix or "top level"
    if not isinstance(table, dict):
        findings.append(Finding(file, where, f"must be a table, not {_kind(table)}"))
        return {}
    out = {}
    for key in table:
        if key not in fields:
            findings.append(
                Finding(file, _join(prefix, key), f"unknown key (expected one of: {', '.join(fields)})")
            )
    for key, spec in fields.items():
        name = _join(prefix, key)
        if key not in table:
            if spec.required:
                findings.append(Finding(file, name, "is required"))
            out[key] = spec.default
            continue
        value = table[key]
        if float in spec.types and type(value) is int:
            value = float(value)
        if isinstance(value, bool) and bool not in spec.types or not isinstance(value, spec.types):
            wanted = " or ".join(_type_word(t) for t in spec.types)
            findings.append(Finding(file, name, f"must be {wanted}, not {_kind(value)}"))
            out[key] = spec.default
            continue
        if spec.check is not None:
            message = spec.check(value)
            if message:
                findings.append(Finding(file, name, message))
        out[key] = value
    return out


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


_WORDS = {
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}


def _type_word(t: type) -> str:
    return _WORDS.get(t, t.__name__)


def _kind(value: Any) -> str:
    for t in (bool, str, int, float, list, dict):
        if isinstance(value, t):
            return _type_word(t)
    return type(value).__name__
