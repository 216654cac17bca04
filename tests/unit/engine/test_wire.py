"""The wire format: values round-trip as plain data, and malformed bytes are refused."""

import json
import struct

import numpy as np
import pytest

from grader.engine import wire


def classify(v):
    return ("numpy", v) if type(v) is np.ndarray else None


def roundtrip(value):
    spec, buffers = wire.encode_value(value, classify, 1 << 20)
    frame = wire.encode_frame({"spec": spec}, buffers)
    [(header, bufs)] = wire.FrameReader(1 << 20).feed(frame)
    return wire.decode_value(header["spec"], bufs)


def test_values_roundtrip():
    value = {"a": [1.5, 2, None, True, "s"], "b": (np.arange(6, dtype=np.float32).reshape(2, 3),)}
    back = roundtrip(value)
    assert back["a"] == [1.5, 2, None, True, "s"]
    assert isinstance(back["b"], tuple)
    np.testing.assert_array_equal(back["b"][0].data, value["b"][0])
    assert back["b"][0].data.dtype == np.float32


def test_floats_roundtrip_exactly():
    assert roundtrip(0.1 + 0.2) == 0.1 + 0.2


def test_unknown_objects_travel_as_their_type_name():
    class Sneaky:
        def __eq__(self, other):
            return True

    back = roundtrip([Sneaky()])
    assert isinstance(back[0], wire.OpaqueValue) and "Sneaky" in back[0].type_name


def test_object_dtype_refused():
    back = roundtrip(np.array([object()], dtype=object))
    assert isinstance(back, wire.OpaqueValue)


def test_frames_split_across_reads():
    frame = wire.encode_frame({"event": "x"}, [b"abc"])
    reader = wire.FrameReader(1 << 20)
    assert reader.feed(frame[:5]) == []
    [(header, bufs)] = reader.feed(frame[5:])
    assert header["event"] == "x" and bufs == [b"abc"]


@pytest.mark.parametrize(
    "data",
    [
        b"XXXX\x00\x00\x00\x02{}",  # bad magic
        b"GRDR\x00\x00\x00\x02{}",  # header without buffer sizes
        b"GRDR\x00\x00\x00\x05nope!",  # not JSON
    ],
)
def test_malformed_frames_refused(data):
    with pytest.raises(wire.WireError):
        wire.FrameReader(1 << 20).feed(data)


def test_oversized_frame_refused():
    header = json.dumps({"buffers": [10_000]}).encode()
    with pytest.raises(wire.WireError):
        wire.FrameReader(1000).feed(b"GRDR" + struct.pack(">I", len(header)) + header)


def test_array_bytes_must_match_shape():
    spec = {"t": "array", "origin": "jax", "dtype": "float32", "shape": [3], "buf": 0}
    with pytest.raises(wire.WireError):
        wire.decode_value(spec, [b"\x00" * 8])
    with pytest.raises(wire.WireError):
        wire.decode_value(dict(spec, dtype="object"), [b"\x00" * 8])


def test_output_size_capped():
    with pytest.raises(wire.WireError):
        wire.encode_value(np.zeros(1000, dtype=np.float64), classify, 100)
