"""Whatever bytes a learner process writes on the result channel, the grader's reader and its
session only ever raise wire.WireError: random bytes, cut and mutated frames, deep nesting,
and frames with the run's secret whose fields have the wrong type or size."""

from __future__ import annotations

import copy
import json
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader.engine import frames, wire
from grader.engine.limits import Limits
from grader.engine.runner import Target
from grader.engine.session import RunReport, Session
from grader.engine.worker import describe_exception, describe_warnings

SECRET = "0123456789abcdef"
TARGET, CASES = "scale-by", ("scale-by/one", "scale-by/two")


def fuzz(examples: int):
    """Many examples, no example database written into the tree, no per-example deadline."""
    return settings(
        max_examples=examples, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


# ---------------------------------------------------------------- an honest run, as frames


def classify(v):
    return ("numpy", v) if type(v) is np.ndarray else None


def _raised_error() -> dict:
    try:
        raise ValueError("factor must be finite")
    except ValueError as exc:
        return describe_exception(exc)


def honest_events() -> list[tuple[dict, list[bytes]]]:
    """The frames a worker sends for one file and two cases: one returns, one raises."""
    output, buffers = wire.encode_value(
        {"y": np.arange(3, dtype=np.float32), "n": [1.5, 7, "s", None]}, classify, 1 << 20
    )
    warnings = [{"category": "UserWarning", "message": "careful", "file": "/tmp/solution.py", "line": 3}]
    return [
        ({"event": "ready", "protections": {"abi": 4, "filesystem": True}}, []),
        ({"event": "load", "target": TARGET, "ok": True, "warnings": warnings}, []),
        ({"event": "start", "target": TARGET, "case": CASES[0]}, []),
        (
            {
                "event": "returned",
                "target": TARGET,
                "case": CASES[0],
                "seconds": 0.25,
                "output": output,
                "warnings": [],
            },
            buffers,
        ),
        ({"event": "start", "target": TARGET, "case": CASES[1]}, []),
        (
            {
                "event": "raised",
                "target": TARGET,
                "case": CASES[1],
                "seconds": 0.5,
                "error": _raised_error(),
                "warnings": warnings,
            },
            [],
        ),
        ({"event": "done"}, []),
    ]


def failed_load_events() -> list[tuple[dict, list[bytes]]]:
    return [
        ({"event": "ready", "protections": {"unavailable": "no Landlock here"}}, []),
        (
            {
                "event": "load",
                "target": TARGET,
                "ok": False,
                "missing_function": False,
                "error": _raised_error(),
                "warnings": [],
            },
            [],
        ),
        ({"event": "done"}, []),
    ]


def encode(events, secret: str = SECRET) -> list[bytes]:
    return [wire.encode_frame(dict(header, secret=secret), buffers) for header, buffers in events]


def new_session() -> Session:
    plan = [Target(TARGET, Path("/tmp/solution.py"), "scale_by")]
    return Session(plan, {TARGET: list(CASES)}, Limits(max_output_bytes=1 << 20), RunReport(), SECRET)


def feed(data: bytes, chunk: int = 0) -> Session:
    """Feed ``data`` as the grader does, in chunks of ``chunk`` bytes (0: at once). Only a
    WireError may come out; anything else fails the test."""
    session = new_session()
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)] if chunk else [data]
    try:
        for piece in pieces:
            for header, buffers in session.reader.feed(piece):
                session.handle(header, buffers)
    except wire.WireError as exc:
        assert str(exc)  # a message for the learner, in the run's error
        session.refused = exc
    else:
        session.refused = None
    return session


def raw_frame(header: bytes, body: bytes = b"") -> bytes:
    return wire.MAGIC + struct.pack(">I", len(header)) + header + body


HONEST = b"".join(encode(honest_events()))
LOADED = b"".join(encode(honest_events()[:2]))  # ready, and the file loaded: every event has a turn


# ---------------------------------------------------------------- honest runs still work


def test_an_honest_run_is_recorded():
    session = feed(HONEST)
    assert session.refused is None and session.state == "done"
    report = session.report
    returned, raised = report.calls[(TARGET, CASES[0])], report.calls[(TARGET, CASES[1])]
    assert returned.outcome == "returned" and returned.seconds == 0.25
    np.testing.assert_array_equal(returned.output["y"].data, np.arange(3, dtype=np.float32))
    assert returned.output["n"] == [1.5, 7, "s", None]
    assert raised.outcome == "raised" and raised.error["type"] == "ValueError"
    assert raised.error["message"] == "factor must be finite" and raised.error["frames"]
    assert raised.warnings[0]["line"] == 3 and report.load_warnings[TARGET][0]["category"] == "UserWarning"
    assert report.protections == {"abi": 4, "filesystem": True}


@pytest.mark.parametrize("chunk", [1, 7, 4096])
def test_an_honest_run_arrives_in_pieces(chunk):
    session = feed(HONEST, chunk)
    assert session.refused is None and session.state == "done" and len(session.report.calls) == 2


def test_a_failed_load_is_recorded():
    session = feed(b"".join(encode(failed_load_events())))
    assert session.refused is None
    problem = session.report.load_problems[TARGET]
    assert problem.kind == "raised" and problem.error["type"] == "ValueError"
    assert {c.outcome for c in session.report.calls.values()} == {"not_run"}
    assert session.report.protections == {"unavailable": "no Landlock here"}


def test_what_the_worker_describes_fits_the_schema():
    """Learner code chooses class, module, file and function names: the worker clips them."""
    long = "N" * 50_000
    namespace = {}
    exec(
        compile(
            f"def {long}():\n    raise type({long!r}, (Exception,), {{'__module__': {long!r}}})('m')\n",
            long,
            "exec",
        ),
        namespace,
    )
    try:
        namespace[long]()
    except Exception as exc:
        error = describe_exception(exc)
    frames.ERROR.check(error, "error")

    class Caught:
        message, category, filename, lineno = "w", type(long, (UserWarning,), {}), long, 2**31 - 1

    frames.WARNINGS.check(describe_warnings([Caught()]), "warnings")


def test_honest_values_fit_the_decoder(monkeypatch):
    """What encode_value makes, decode_value takes back; beyond the bounds it says why."""
    value = [10**300, -(10**500), "é" * 1000, {"k" * 2000: 1}, True, None, float("nan")]
    spec, buffers = wire.encode_value(value, classify, 1 << 20)
    back = wire.decode_value(json.loads(json.dumps(spec)), buffers)
    assert back[0] == 10**300 and isinstance(back[1], wire.OpaqueValue) and len(back[2]) == wire.MAX_STR_CHARS
    assert isinstance(back[3], wire.OpaqueValue) and back[4:6] == [True, None]
    monkeypatch.setattr(wire, "MAX_BUFFERS", 10)
    with pytest.raises(wire.WireError, match="arrays"):
        wire.encode_value([np.zeros(1)] * 11, classify, 1 << 30)
    with pytest.raises(wire.WireError, match="too many items"):
        wire.encode_value(["x" * 200] * 20_000, classify, 1 << 20)


# ---------------------------------------------------------------- bytes from anywhere


@fuzz(1000)
@given(st.binary(max_size=3000), st.sampled_from([0, 1, 64]))
def test_random_bytes(data, chunk):
    feed(data, chunk)


@fuzz(500)
@given(st.binary(max_size=3000))
def test_random_bytes_after_a_valid_prefix(data):
    feed(HONEST[: HONEST.index(b"GRDR", 10)] + data)


@fuzz(600)
@given(st.binary(max_size=2000), st.binary(max_size=200))
def test_random_headers_behind_valid_magic_and_length(header, body):
    feed(raw_frame(header, body))


SCALAR = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**80), max_value=10**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
# one level of containers: deeper ones are tried above and below, and cost far more to generate
JSON = SCALAR | st.lists(SCALAR, max_size=4) | st.dictionaries(st.text(max_size=6), SCALAR, max_size=4)


@fuzz(400)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "event",
                "target",
                "case",
                "seconds",
                "output",
                "error",
                "warnings",
                "ok",
                "protections",
                "missing_function",
                "buffers",
                "secret",
            ]
        )
        | st.text(max_size=8),
        JSON,
        max_size=6,
    ),
    st.sampled_from(list(frames.EVENTS) + ["other"]),
    st.booleans(),
)
def test_random_json_headers(header, event, with_secret):
    header = dict(header, event=event)
    if with_secret:
        header["secret"] = SECRET
    header.pop("buffers", None)
    feed(LOADED + wire.encode_frame(header) + HONEST)


@fuzz(200)
@given(st.integers(min_value=0, max_value=len(HONEST)))
def test_truncated_runs(cut):
    session = feed(HONEST[:cut])
    assert session.refused is None  # a cut is only a run that has not finished yet


@fuzz(800)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=len(HONEST) - 1),
            st.integers(0, 255),
            st.sampled_from(["replace", "insert", "delete"]),
        ),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([0, 13]),
)
def test_mutated_runs(mutations, chunk):
    data = bytearray(HONEST)
    for position, byte, how in mutations:
        position = min(position, len(data) - 1)
        if how == "replace":
            data[position] = byte
        elif how == "insert":
            data.insert(position, byte)
        else:
            del data[position]
    feed(bytes(data), chunk)


# ---------------------------------------------------------------- deep, long, large


@pytest.mark.parametrize(
    "header",
    [
        b"[" * 100_000,
        b"{" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"event": "done", "x": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
        b"[" * (wire.MAX_HEADER_DEPTH + 1) + b"]" * (wire.MAX_HEADER_DEPTH + 1),
    ],
    ids=["brackets", "braces", "objects", "closed", "just-over"],
)
def test_deep_nesting_is_refused_before_decoding(header):
    session = feed(raw_frame(header))
    assert "nested" in str(session.refused)


def test_brackets_inside_strings_are_not_nesting():
    header = json.dumps(
        {"event": "done", "secret": SECRET, "buffers": [], "x": "[" * 10_000 + '\\"{' * 1000}
    ).encode()
    assert wire.nesting_depth(header) == 2  # the object and its list of buffers
    assert wire.parse_header(header)["x"].startswith("[[")


def test_nesting_within_the_cap_is_read():
    depth = wire.MAX_HEADER_DEPTH - 1
    header = b'{"buffers": [], "x": ' + b"[" * depth + b"]" * depth + b"}"
    assert wire.nesting_depth(header) == depth + 1 and wire.parse_header(header)["buffers"] == []


def test_deep_value_specs_are_refused():
    spec = {"t": "const", "v": None}
    for _ in range(wire.MAX_VALUE_DEPTH + 2):
        spec = {"t": "list", "items": [spec]}
    with pytest.raises(wire.WireError):
        wire.decode_value(spec, [])


@pytest.mark.parametrize(
    "data",
    [
        raw_frame(b"", b"")[:4] + struct.pack(">I", wire.MAX_HEADER_BYTES + 1),
        raw_frame(b"", b"")[:4] + struct.pack(">I", 2**32 - 1) + b"{" * 1000,
        raw_frame(json.dumps({"buffers": [4_000_000_000]}).encode()),
        raw_frame(json.dumps({"buffers": [0] * (wire.MAX_BUFFERS + 1)}).encode()),
        raw_frame(json.dumps({"buffers": [-1]}).encode()),
        raw_frame(b'{"buffers": [], "n": ' + b"9" * 5000 + b"}"),
        raw_frame(b'{"buffers": [1e400]}'),
        raw_frame('{"buffers": [], "s": "\ud800"}'.encode("utf-8", "surrogatepass")),
        raw_frame(b"\xff\xfe{\x00}\x00"),
    ],
    ids=[
        "header-over-cap",
        "header-of-4-GiB",
        "billions-of-bytes",
        "many-buffers",
        "negative-size",
        "long-integer",
        "float-size",
        "surrogate-bytes",
        "utf-16",
    ],
)
def test_frames_beyond_bounds_are_refused(data):
    assert feed(data).refused is not None


def test_a_frame_announcing_many_bytes_is_parsed_once_while_they_arrive(monkeypatch):
    calls = []
    original = wire.parse_header
    monkeypatch.setattr(wire, "parse_header", lambda raw: calls.append(1) or original(raw))
    reader = wire.FrameReader(1 << 20)
    frame = wire.encode_frame({"event": "x"}, [b"\x00" * 100_000])
    for i in range(0, len(frame), 1000):
        got = reader.feed(frame[i : i + 1000])
    assert len(got) == 1 and len(calls) == 1


# ---------------------------------------------------------------- wrong types, with the secret


def _paths(value, path=()):
    """Every place in a header where a value sits, the header's own fields included."""
    found = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            found += _paths(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += _paths(v, path + (i,))
    return found


def _replaced(header: dict, path: tuple, new) -> dict:
    header = copy.deepcopy(header)
    place = header
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = new
    return header


def _removed(header: dict, path: tuple) -> dict:
    header = copy.deepcopy(header)
    place = header
    for step in path[:-1]:
        place = place[step]
    del place[path[-1]]
    return header


EVENTS = honest_events() + failed_load_events()[1:2]
PLACES = [(i, path) for i, (header, _) in enumerate(EVENTS) for path in _paths(header) if path != ("event",)]


RUNS = [encode(honest_events()), encode(failed_load_events())]


def _run_with(index: int, header: dict) -> Session:
    """The honest run (or the failed load) with event ``index`` replaced by ``header``."""
    run, at = (RUNS[0], index) if index < len(RUNS[0]) else (RUNS[1], 1)
    frame = wire.encode_frame(dict(header, secret=SECRET), EVENTS[index][1])
    return feed(b"".join(run[:at] + [frame] + run[at + 1 :]))


def _in_a_map(path: tuple) -> bool:
    """Places whose key is data (protections, the keys of a returned dict), not a field name."""
    return path[0] == "protections" or path[-2:-1] == ("items",) and type(path[-1]) is str


def _kind(value, path: tuple):
    if path[0] == "protections" and (value is None or type(value) in (bool, int, float, str)):
        return "scalar"
    if path[-1] == "v" and (value is None or type(value) is bool):
        return "constant"
    return "number" if type(value) in (int, float) else type(value)


BEYOND = [10**4000, 2**63, float("inf"), float("nan"), "y" * 20_000]  # out of every field's range
WRONG = [None, True, "x", [], [1, [2]], {}, {"a": {}}, -1, 1.5, *BEYOND]
IDS = dict(ids=lambda p: p if isinstance(p, int) else ".".join(map(str, p)))


@pytest.mark.parametrize("index,path", PLACES, **IDS)
def test_every_field_with_a_wrong_type_is_refused(index, path):
    header = EVENTS[index][0]
    original = header
    for step in path:
        original = original[step]
    for new in WRONG:
        if _kind(new, path) == _kind(original, path) and not any(new is b for b in BEYOND):
            continue  # the same kind of value: may well be valid
        session = _run_with(index, _replaced(header, path, new))
        assert session.refused is not None, (path, new)


@pytest.mark.parametrize(
    "index,path", [(i, p) for i, p in PLACES if type(p[-1]) is str and not _in_a_map(p)], **IDS
)
def test_every_missing_field_is_refused(index, path):
    if path in (("missing_function",), ("error",)):
        pytest.skip("absent when a file loads: a failed load without them is refused by the session")
    assert _run_with(index, _removed(EVENTS[index][0], path)).refused is not None


@pytest.mark.parametrize("index", range(len(EVENTS)))
def test_unknown_fields_are_refused(index):
    assert _run_with(index, dict(EVENTS[index][0], extra=1)).refused is not None


@fuzz(800)
@given(st.sampled_from(PLACES), JSON | st.sampled_from(WRONG))
def test_any_value_in_any_field(place, new):
    index, path = place
    _run_with(index, _replaced(EVENTS[index][0], path, new))


@pytest.mark.parametrize("secret", [None, 5, "", "wrong", "é" * 16, "\ud800", ["x"]])
def test_frames_without_the_secret_are_refused_first(secret):
    bad = {"event": "ready", "protections": 3, "secret": secret}
    if secret is None:
        del bad["secret"]
    session = feed(wire.encode_frame(bad))
    assert "secret" in str(session.refused)


@pytest.mark.parametrize(
    "order",
    [
        [0, 0],
        [1],
        [0, 2],
        [0, 1, 3],
        [0, 1, 2, 2],
        [0, 1, 2, 6],
        [0, 1, 6, 6],
        [0, 1, 2, 3, 3],
        [0, 6, 1],
    ],
    ids=str,
)
def test_events_out_of_turn_are_refused(order):
    events = honest_events()
    assert feed(b"".join(encode([events[i] for i in order]))).refused is not None


def test_nothing_from_the_frame_is_repeated_in_the_message():
    """A hidden input must not reach the learner through the grader's own messages."""
    leak = "hidden-input-3.14159"
    bad = [
        {"event": leak},
        {"event": "ready", "protections": {}, leak: 1},
        {"event": "ready", "protections": {leak: [leak]}},
    ]
    for header in bad:
        assert leak not in str(feed(wire.encode_frame(dict(header, secret=SECRET))).refused)
    events = honest_events()
    output = {"t": "array", "origin": leak, "dtype": leak, "shape": [leak], "buf": leak}
    events[3] = (dict(events[3][0], output=output), [])
    assert leak not in str(feed(b"".join(encode(events))).refused)
    events[3] = (dict(events[3][0], output={"t": "int", "v": leak}), [])
    assert leak not in str(feed(b"".join(encode(events))).refused)
