"""The byte format spoken between the grader and its worker processes.

A frame is ``MAGIC | u32 header length | JSON header | raw buffers``. The header lists the
byte length of each buffer under ``"buffers"``. Values travel as a JSON *spec* plus raw array
bytes, so nothing is ever unpickled and a decoded value is plain data, whatever object the
learner's code returned.

This module is imported by the worker, so it depends on the standard library and numpy only.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

MAGIC = b"GRDR"
_LEN = struct.Struct(">I")
MAX_HEADER_BYTES = 4 * 1024 * 1024

# dtypes a returned array may carry; anything else (objects, strings, records) is refused.
ALLOWED_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64", "complex64", "complex128", "bfloat16"]
)


class WireError(ValueError):
    """Bytes that do not form a valid frame or value."""


def encode_frame(header: dict, buffers: list[bytes] = ()) -> bytes:
    header = dict(header, buffers=[len(b) for b in buffers])
    text = json.dumps(header, allow_nan=True).encode()
    return b"".join([MAGIC, _LEN.pack(len(text)), text, *buffers])


class FrameReader:
    """Incremental parser: feed bytes as they arrive, take whole frames out."""

    def __init__(self, max_frame_bytes: int):
        self._data = bytearray()
        self._max = max_frame_bytes

    def feed(self, chunk: bytes) -> list[tuple[dict, list[bytes]]]:
        self._data += chunk
        frames = []
        while True:
            frame = self._take()
            if frame is None:
                return frames
            frames.append(frame)

    @property
    def pending(self) -> int:
        return len(self._data)

    def _take(self):
        data = self._data
        if len(data) < 8:
            return None
        if bytes(data[:4]) != MAGIC:
            raise WireError("result channel carried bytes that are not a frame")
        (hlen,) = _LEN.unpack(bytes(data[4:8]))
        if hlen > MAX_HEADER_BYTES:
            raise WireError("frame header too large")
        if len(data) < 8 + hlen:
            return None
        try:
            header = json.loads(bytes(data[8:8 + hlen]))
            sizes = header["buffers"]
            if not isinstance(header, dict) or not all(isinstance(s, int) and s >= 0 for s in sizes):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise WireError("malformed frame header") from None
        total = 8 + hlen + sum(sizes)
        if total > self._max:
            raise WireError(f"frame of {total} bytes exceeds the limit of {self._max}")
        if len(data) < total:
            return None
        buffers, pos = [], 8 + hlen
        for size in sizes:
            buffers.append(bytes(data[pos:pos + size]))
            pos += size
        del data[:total]
        return header, buffers


# ---------------------------------------------------------------- values

@dataclass(frozen=True)
class ArrayValue:
    """A decoded array leaf. ``origin`` is the class the worker saw: jax, numpy, or another name."""

    data: np.ndarray
    origin: str


@dataclass(frozen=True)
class OpaqueValue:
    """A leaf the worker could not express as data: only its type name travels."""

    type_name: str


def encode_value(value: Any, classify, max_bytes: int) -> tuple[Any, list[bytes]]:
    """Turn a value into (spec, buffers). ``classify(leaf)`` returns (origin, ndarray) or None."""
    buffers: list[bytes] = []
    budget = [max_bytes]

    def enc(v, depth):
        if depth > 64:
            raise WireError("output nested more than 64 levels deep")
        if v is None or isinstance(v, bool):
            return {"t": "const", "v": v}
        if type(v) is int:
            return {"t": "int", "v": str(v)}
        if type(v) is float:
            return {"t": "float", "v": float.hex(v)}
        if type(v) is str:
            return {"t": "str", "v": v[:200]}
        if type(v) in (list, tuple):
            return {"t": type(v).__name__, "items": [enc(x, depth + 1) for x in v]}
        if type(v) is dict:
            if not all(type(k) is str for k in v):
                return {"t": "opaque", "type": "dict with non-string keys"}
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
        buffers.append(raw)
        return {"t": "array", "origin": origin, "dtype": arr.dtype.name,
                "shape": list(arr.shape), "buf": len(buffers) - 1}

    return enc(value, 0), buffers


def offset_buffers(spec: Any, offset: int) -> Any:
    """The same spec with every buffer index moved by ``offset``, for specs sharing one frame."""
    if isinstance(spec, dict):
        if spec.get("t") == "array":
            return dict(spec, buf=spec["buf"] + offset)
        return {k: offset_buffers(v, offset) for k, v in spec.items()}
    if isinstance(spec, list):
        return [offset_buffers(v, offset) for v in spec]
    return spec


def _type_name(v) -> str:
    cls = type(v)
    return f"{cls.__module__}.{cls.__qualname__}"


def decode_value(spec: Any, buffers: list[bytes]) -> Any:
    """Rebuild plain data from a spec: lists, tuples, dicts, scalars, ArrayValue, OpaqueValue."""
    try:
        return _dec(spec, buffers, 0)
    except WireError:
        raise
    except (KeyError, TypeError, ValueError, IndexError, OverflowError) as exc:
        raise WireError(f"malformed value: {exc}") from None


def _dec(spec, buffers, depth):
    if depth > 64:
        raise WireError("value nested too deeply")
    t = spec["t"]
    if t == "const":
        if spec["v"] not in (None, True, False):
            raise WireError("bad constant")
        return spec["v"]
    if t == "int":
        text = spec["v"]
        if not isinstance(text, str) or len(text) > 400:
            raise WireError("bad int")
        return int(text)
    if t == "float":
        return float.fromhex(spec["v"])
    if t == "str":
        return str(spec["v"])
    if t in ("list", "tuple"):
        items = [_dec(x, buffers, depth + 1) for x in spec["items"]]
        return items if t == "list" else tuple(items)
    if t == "dict":
        return {str(k): _dec(x, buffers, depth + 1) for k, x in spec["items"].items()}
    if t == "opaque":
        return OpaqueValue(str(spec["type"]))
    if t == "array":
        dtype_name = spec["dtype"]
        if dtype_name not in ALLOWED_DTYPES:
            raise WireError(f"dtype {dtype_name!r} not allowed")
        dtype = _dtype(dtype_name)
        shape = tuple(int(s) for s in spec["shape"])
        if any(s < 0 for s in shape):
            raise WireError("negative dimension")
        raw = buffers[int(spec["buf"])]
        if int(np.prod(shape, dtype=np.int64)) * dtype.itemsize != len(raw):
            raise WireError("array bytes do not match its shape and dtype")
        data = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
        return ArrayValue(data=data, origin=str(spec["origin"]))
    raise WireError(f"unknown value type {t!r}")


def _dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes  # shipped with jax

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)
