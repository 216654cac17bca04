"""The byte format spoken between the grader and its worker processes.

A frame is ``MAGIC | u32 header length | JSON header | raw buffers``. The header lists the
byte length of each buffer under ``"buffers"``. Values travel as a JSON *spec* plus raw array
bytes, so nothing is ever unpickled and a decoded value is plain data, whatever object the
learner's code returned.

This module is imported by the worker, so it depends on the standard library and numpy only.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MAGIC = b"GRDR"
_LEN = struct.Struct(">I")
MAX_HEADER_BYTES = 4 * 1024 * 1024
# a value nests at most MAX_VALUE_DEPTH levels, two brackets a level, inside a few of the header's
MAX_VALUE_DEPTH = 64
MAX_HEADER_DEPTH = 2 * MAX_VALUE_DEPTH + 40
MAX_BUFFERS = 100_000  # arrays in one frame
MAX_SPEC_BYTES = MAX_HEADER_BYTES // 2  # the JSON of one value: room left for the rest of its frame
MAX_STR_CHARS = 200  # a returned str travels clipped to this
MAX_INT_DIGITS = 400  # a longer returned int travels as an opaque value
MAX_NAME_CHARS = 1000  # dict keys, type names
ORIGINS = frozenset(["jax", "numpy", "numpy-scalar"])  # what classify functions may call an array

# dtypes a returned array may carry; anything else (objects, strings, records) is refused.
ALLOWED_DTYPES = frozenset(
    [
        "bool",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "float16",
        "float32",
        "float64",
        "complex64",
        "complex128",
        "bfloat16",
    ]
)


class WireError(ValueError):
    """Bytes that do not form a valid frame or value."""


def encode_frame(header: dict, buffers: Sequence[bytes] = ()) -> bytes:
    header = dict(header, buffers=[len(b) for b in buffers])
    text = json.dumps(header, allow_nan=True).encode()
    return b"".join([MAGIC, _LEN.pack(len(text)), text, *buffers])


class FrameReader:
    """Incremental parser: feed bytes as they arrive, take whole frames out.

    Whatever bytes it is fed, ``feed`` returns frames whose header is a JSON object with a valid
    ``"buffers"`` list, or raises WireError; after a WireError the reader is not to be used again.
    """

    def __init__(self, max_frame_bytes: int):
        self._data = bytearray()
        self._max = max_frame_bytes
        self._head: tuple[dict, list[int], int] | None = None  # the frame whose buffers are arriving

    def feed(self, chunk: bytes) -> list[tuple[dict, list[bytes]]]:
        self._data += chunk
        frames = []
        try:
            while (frame := self._take()) is not None:
                frames.append(frame)
        except WireError:
            raise
        except Exception as exc:  # last line: the checks in _take are meant to leave nothing here
            raise WireError(f"an unreadable frame ({type(exc).__name__})") from None
        return frames

    @property
    def pending(self) -> int:
        return len(self._data)

    def _take(self) -> tuple[dict, list[bytes]] | None:
        data = self._data
        if self._head is None:
            if len(data) < 8:
                return None
            if data[:4] != MAGIC:
                raise WireError("result channel carried bytes that are not a frame")
            (hlen,) = _LEN.unpack_from(data, 4)
            if hlen > MAX_HEADER_BYTES:
                raise WireError(f"a frame header larger than {MAX_HEADER_BYTES} bytes")
            if len(data) < 8 + hlen:
                return None
            header = parse_header(bytes(data[8 : 8 + hlen]))
            sizes = header["buffers"]
            total = 8 + hlen + sum(sizes)
            if total > self._max:
                raise WireError(f"a frame larger than the limit of {self._max} bytes")
            self._head = header, sizes, total  # parsed once, however slowly its buffers arrive
        header, sizes, total = self._head
        if len(data) < total:
            return None
        buffers: list[bytes] = []
        pos = total - sum(sizes)
        for size in sizes:
            buffers.append(bytes(data[pos : pos + size]))
            pos += size
        del data[:total]
        self._head = None
        return header, buffers


def parse_header(raw: bytes) -> dict:
    """A frame header's JSON object, its nesting bounded before it is decoded; WireError if not."""
    try:
        text = raw.decode("utf-8")  # as str, json never guesses another encoding
    except UnicodeDecodeError:
        raise WireError("a frame header that is not UTF-8 text") from None
    if nesting_depth(raw) > MAX_HEADER_DEPTH:
        raise WireError(f"a frame header nested more than {MAX_HEADER_DEPTH} levels deep")
    try:
        header = json.loads(text)
    except ValueError:  # not JSON, or an integer with more digits than Python converts
        raise WireError("a frame header that is not valid JSON") from None
    if type(header) is not dict:
        raise WireError("a frame header that is not a JSON object")
    sizes = header.get("buffers")
    if (
        type(sizes) is not list
        or len(sizes) > MAX_BUFFERS
        or not all(type(s) is int and s >= 0 for s in sizes)
    ):
        raise WireError("a frame header without a valid list of buffer sizes")
    return header


# a JSON string, or the rest of the text after an unclosed quote; never backtracks
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_BRACKET_STEP = np.zeros(256, dtype=np.int8)
_BRACKET_STEP[[ord("["), ord("{")]] = 1
_BRACKET_STEP[[ord("]"), ord("}")]] = -1


def nesting_depth(raw: bytes) -> int:
    """How deep the brackets of JSON text nest, outside strings: exact for valid JSON (and for
    any prefix of it), linear in time, with no recursion."""
    outside = np.frombuffer(_STRING.sub(b"", raw), dtype=np.uint8)
    if outside.size == 0:
        return 0
    return int(np.cumsum(_BRACKET_STEP[outside], dtype=np.int32).max(initial=0))


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class ArrayValue:
    """A decoded array leaf. ``origin`` is the class the worker saw: one of ORIGINS."""

    data: np.ndarray
    origin: str


@dataclass(frozen=True)
class OpaqueValue:
    """A leaf the worker could not express as data: only its type name travels."""

    type_name: str


# what ``encode_value`` asks of each leaf: (origin, ndarray) for an array, None for anything else
Classify = Callable[[Any], tuple[str, np.ndarray] | None]


def classify_decoded(value: Any) -> tuple[str, np.ndarray] | None:
    """The ``classify`` of ``encode_value`` for values ``decode_value`` made: their arrays
    (ArrayValue leaves) are encoded again as they came."""
    if isinstance(value, ArrayValue):
        return value.origin, value.data
    return None


def encode_value(value: Any, classify: Classify, max_bytes: int) -> tuple[Any, list[bytes]]:
    """Turn a value into (spec, buffers). ``classify(leaf)`` returns (origin, ndarray) or None.

    The spec stays within what ``decode_value`` accepts: a value beyond its bounds (too deep, too
    many arrays, too large) raises WireError with a message for the learner.
    """
    buffers: list[bytes] = []
    budget = [max_bytes]

    def enc(v: Any, depth: int) -> Any:
        if depth > MAX_VALUE_DEPTH:
            raise WireError(f"output nested more than {MAX_VALUE_DEPTH} levels deep")
        if v is None or isinstance(v, bool):
            return {"t": "const", "v": v}
        if type(v) is int:
            if abs(v) >= _INT_BOUND:
                return {"t": "opaque", "type": f"int of more than {MAX_INT_DIGITS} digits"}
            return {"t": "int", "v": str(v)}
        if type(v) is float:
            return {"t": "float", "v": float.hex(v)}
        if type(v) is str:
            return {"t": "str", "v": v[:MAX_STR_CHARS]}
        if type(v) in (list, tuple):
            return {"t": type(v).__name__, "items": [enc(x, depth + 1) for x in v]}
        if type(v) is dict:
            if not all(type(k) is str for k in v):
                return {"t": "opaque", "type": "dict with non-string keys"}
            if any(len(k) > MAX_NAME_CHARS for k in v):
                return {"t": "opaque", "type": f"dict with a key longer than {MAX_NAME_CHARS} characters"}
            return {"t": "dict", "items": {k: enc(x, depth + 1) for k, x in v.items()}}
        found = classify(v)
        if found is None:
            return {"t": "opaque", "type": _type_name(v)}
        origin, arr = found
        if arr.dtype.name not in ALLOWED_DTYPES:
            return {"t": "opaque", "type": f"array of dtype {arr.dtype.name}"}
        raw = np.ascontiguousarray(arr).tobytes()
        budget[0] -= len(raw)
        if budget[0] < 0:
            raise WireError(f"output larger than {max_bytes} bytes")
        if len(buffers) == MAX_BUFFERS:
            raise WireError(f"output holding more than {MAX_BUFFERS} arrays")
        buffers.append(raw)
        return {
            "t": "array",
            "origin": origin,
            "dtype": arr.dtype.name,
            "shape": list(arr.shape),
            "buf": len(buffers) - 1,
        }

    spec = enc(value, 0)
    if len(json.dumps(spec, allow_nan=True)) > MAX_SPEC_BYTES:
        raise WireError("output with too many items to send: return arrays rather than long Python lists")
    return spec, buffers


def offset_buffers(spec: Any, offset: int) -> Any:
    """The same spec with every buffer index moved by ``offset``, for specs sharing one frame."""
    if isinstance(spec, dict):
        if spec.get("t") == "array":
            return dict(spec, buf=spec["buf"] + offset)
        return {k: offset_buffers(v, offset) for k, v in spec.items()}
    if isinstance(spec, list):
        return [offset_buffers(v, offset) for v in spec]
    return spec


def _type_name(v: object) -> str:
    cls = type(v)
    return f"{cls.__module__}.{cls.__qualname__}"[:MAX_NAME_CHARS]


_INT_BOUND = 10**MAX_INT_DIGITS
_INT_TEXT = re.compile(rf"-?[0-9]{{1,{MAX_INT_DIGITS}}}")
_MAX_DIMS = 32  # numpy's own limit


def decode_value(spec: Any, buffers: list[bytes]) -> Any:
    """Rebuild plain data from a spec: lists, tuples, dicts, scalars, ArrayValue, OpaqueValue.
    Raises WireError, and nothing else, when the spec is not one ``encode_value`` could make."""
    try:
        return _dec(spec, buffers, 0)
    except WireError:
        raise
    except Exception as exc:  # last line: the checks in _dec are meant to leave nothing here
        raise WireError(f"a malformed value ({type(exc).__name__})") from None


def _dec(spec: Any, buffers: list[bytes], depth: int) -> Any:
    if depth > MAX_VALUE_DEPTH:
        raise WireError("a value nested too deeply")
    if type(spec) is not dict:
        raise WireError("a value described by something other than an object")
    t = spec.get("t")
    if t == "const":
        v = spec.get("v", "missing")
        if v is not None and type(v) is not bool:
            raise WireError("a malformed constant")
        return v
    if t == "int":
        return int(_text(spec.get("v"), MAX_INT_DIGITS + 1, "int", _INT_TEXT))
    if t == "float":
        try:
            return float.fromhex(_text(spec.get("v"), 40, "float"))
        except (ValueError, OverflowError):
            raise WireError("a malformed float") from None
    if t == "str":
        return _text(spec.get("v"), MAX_STR_CHARS, "str")
    if t in ("list", "tuple"):
        items = spec.get("items")
        if type(items) is not list:
            raise WireError(f"a malformed {t}")
        out = [_dec(x, buffers, depth + 1) for x in items]
        return out if t == "list" else tuple(out)
    if t == "dict":
        items = spec.get("items")
        if type(items) is not dict or not all(type(k) is str and len(k) <= MAX_NAME_CHARS for k in items):
            raise WireError("a malformed dict")
        return {k: _dec(x, buffers, depth + 1) for k, x in items.items()}
    if t == "opaque":
        return OpaqueValue(_text(spec.get("type"), MAX_NAME_CHARS, "type name"))
    if t == "array":
        return _dec_array(spec, buffers)
    raise WireError("a value of unknown type")


def _text(v: Any, max_chars: int, what: str, pattern: re.Pattern | None = None) -> str:
    if type(v) is not str or len(v) > max_chars or (pattern is not None and not pattern.fullmatch(v)):
        raise WireError(f"a malformed {what}")
    return v


def _dec_array(spec: dict, buffers: list[bytes]) -> ArrayValue:
    origin, dtype_name, shape, index = (spec.get(k) for k in ("origin", "dtype", "shape", "buf"))
    if origin not in ORIGINS or dtype_name not in ALLOWED_DTYPES:
        raise WireError("an array of unknown origin or dtype")
    if (
        type(shape) is not list
        or len(shape) > _MAX_DIMS
        or not all(type(s) is int and 0 <= s < 2**62 for s in shape)
    ):
        raise WireError("an array with a malformed shape")
    if type(index) is not int or not 0 <= index < len(buffers):
        raise WireError("an array whose bytes are missing")
    dtype, raw = _dtype(dtype_name), buffers[index]
    size = 1
    for s in shape:  # in Python ints: a product of huge dimensions must not wrap around
        size *= s
    if size * dtype.itemsize != len(raw):
        raise WireError("array bytes do not match its shape and dtype")
    data = np.frombuffer(raw, dtype=dtype).reshape(shape)
    # bools come as raw bytes: any nonzero byte is True, so no bool holds another value
    data = data.view(np.uint8).astype(bool) if dtype_name == "bool" else data.copy()
    return ArrayValue(data=data, origin=origin)


def _dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes  # shipped with jax

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)
