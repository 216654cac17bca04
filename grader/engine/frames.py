"""What a worker may say on its result channel: one schema per event, checked before use.

A learner's code runs in the worker and can write any bytes there, so ``parse`` takes nothing
on trust: the secret first, then the event's name, then every field's type and bounds. It
returns a new dict holding exactly the fields of the event's schema (a returned value already
decoded), or raises ``wire.WireError``, and nothing else, whatever the frame holds.

Messages never repeat what a frame contained: it may carry text from the learner's code.
"""

from __future__ import annotations

import hmac
import math
from dataclasses import dataclass
from typing import Any

from grader.engine import wire
from grader.engine.wire import WireError

# The worker clips the texts it sends well below these bounds (grader/engine/worker.py).
NAME_CHARS = 1000  # file and function names, exception and warning classes, targets, case ids
TEXT_CHARS = 10_000  # messages and source lines


@dataclass(frozen=True)
class Text:
    max_chars: int = NAME_CHARS

    def check(self, v: Any, where: str) -> str:
        if type(v) is not str or len(v) > self.max_chars:
            raise WireError(f"{where} is not text of at most {self.max_chars} characters")
        return v


@dataclass(frozen=True)
class Flag:
    def check(self, v: Any, where: str) -> bool:
        if type(v) is not bool:
            raise WireError(f"{where} is not true or false")
        return v


@dataclass(frozen=True)
class Int:
    low: int = -(2**31)
    high: int = 2**31 - 1

    def check(self, v: Any, where: str) -> int:
        if type(v) is not int or not self.low <= v <= self.high:
            raise WireError(f"{where} is not an integer from {self.low} to {self.high}")
        return v


@dataclass(frozen=True)
class Number:
    low: float
    high: float

    def check(self, v: Any, where: str) -> float:
        if type(v) not in (int, float) or not self.low <= v <= self.high:  # NaN fails both
            raise WireError(f"{where} is not a number from {self.low:g} to {self.high:g}")
        return float(v)


@dataclass(frozen=True)
class Scalar:
    """Text, a flag, a finite number, or null."""

    max_chars: int = NAME_CHARS

    def check(self, v: Any, where: str) -> str | bool | int | float | None:
        if v is None or type(v) is bool or (type(v) is str and len(v) <= self.max_chars):
            return v
        if (type(v) is int and abs(v) < 2**63) or (type(v) is float and math.isfinite(v)):
            return v
        raise WireError(f"{where} is not a short text, a flag, a number or null")


@dataclass(frozen=True)
class ListOf:
    item: Any
    max_items: int

    def check(self, v: Any, where: str) -> list:
        if type(v) is not list or len(v) > self.max_items:
            raise WireError(f"{where} is not a list of at most {self.max_items} items")
        return [self.item.check(x, f"{where}[]") for x in v]


@dataclass(frozen=True)
class MapOf:
    """An object with keys of at most ``key_chars`` characters, all of one value type."""

    value: Any
    max_items: int
    key_chars: int = 100

    def check(self, v: Any, where: str) -> dict[str, Any]:
        if (
            type(v) is not dict
            or len(v) > self.max_items
            or not all(type(k) is str and len(k) <= self.key_chars for k in v)
        ):
            raise WireError(f"{where} is not an object of at most {self.max_items} short keys")
        return {k: self.value.check(x, f"{where}[]") for k, x in v.items()}


@dataclass(frozen=True)
class Record:
    """An object with exactly these fields; ``optional`` ones may be missing (None then)."""

    fields: dict
    optional: frozenset = frozenset()
    ignored: frozenset = frozenset()  # present in the frame, checked elsewhere

    def check(self, v: Any, where: str) -> dict[str, Any]:
        if type(v) is not dict:
            raise WireError(f"{where} is not an object")
        if any(k not in self.fields and k not in self.ignored for k in v):
            raise WireError(f"{where} has a field it should not have")  # not named: it is learner text
        out: dict[str, Any] = {}
        for name, kind in self.fields.items():
            if name in v:
                out[name] = kind.check(v[name], f"{where}.{name}")
            elif name in self.optional:
                out[name] = None
            else:
                raise WireError(f"{where}.{name} is missing")
        return out


@dataclass(frozen=True)
class ValueSpec:
    """A returned value's spec: ``parse`` decodes it with the frame's buffers."""

    def check(self, v: Any, where: str) -> Any:
        return v


LINE = Int()
TRACE_FRAME = Record(
    {"file": Text(), "line": LINE, "name": Text(), "code": Text(TEXT_CHARS), "column": LINE},
    optional=frozenset(["column"]),
)  # column: where a syntax error's caret points
ERROR = Record(
    {
        "type": Text(),
        "module": Text(),
        "message": Text(TEXT_CHARS),
        "not_implemented": Flag(),
        "frames": ListOf(TRACE_FRAME, 100),
    }
)
WARNINGS = ListOf(
    Record({"category": Text(), "message": Text(TEXT_CHARS), "file": Text(), "line": LINE}), 100
)
SECONDS = Number(0.0, 1e7)
CALL = {"target": Text(), "case": Text()}
FRAME_FIELDS = frozenset(["event", "secret", "buffers"])  # checked before the event's own fields

EVENTS = {
    "ready": Record({"protections": MapOf(Scalar(TEXT_CHARS), 64)}, ignored=FRAME_FIELDS),
    "load": Record(
        {"target": Text(), "ok": Flag(), "warnings": WARNINGS, "missing_function": Flag(), "error": ERROR},
        optional=frozenset(["missing_function", "error"]),
        ignored=FRAME_FIELDS,
    ),
    "start": Record(CALL, ignored=FRAME_FIELDS),
    "returned": Record(
        {**CALL, "seconds": SECONDS, "output": ValueSpec(), "warnings": WARNINGS}, ignored=FRAME_FIELDS
    ),
    "raised": Record(
        {**CALL, "seconds": SECONDS, "error": ERROR, "warnings": WARNINGS}, ignored=FRAME_FIELDS
    ),
    "done": Record({}, ignored=FRAME_FIELDS),
}


def parse(header: dict, buffers: list[bytes], secret: str) -> tuple[str, dict]:
    """The event's name and its checked fields, from a header ``wire.FrameReader`` returned."""
    try:
        return _parse(header, buffers, secret)
    except WireError:
        raise
    except Exception as exc:  # last line: the schema is meant to leave nothing here
        raise WireError(f"an unreadable event ({type(exc).__name__})") from None


def _parse(header: Any, buffers: list[bytes], secret: str) -> tuple[str, dict]:
    if type(header) is not dict:
        raise WireError("a frame that is not an object")
    given = header.get("secret")
    if type(given) is not str or not hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), secret.encode()
    ):
        raise WireError("a frame without this run's secret")
    event = header.get("event")
    if type(event) is not str or event not in EVENTS:
        raise WireError("an event of unknown kind")  # not named: learner text
    if buffers and event != "returned":
        raise WireError(f"a {event!r} event carrying array bytes")
    fields = EVENTS[event].check(header, event)
    if event == "returned":
        fields["output"] = wire.decode_value(fields["output"], buffers)
    return event, fields
