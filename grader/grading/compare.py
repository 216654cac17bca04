"""Strict comparison of decoded outputs: structure, then type, shape, dtype and values per leaf.

Both sides are plain data rebuilt by ``grader.engine.wire`` (never the learner's own objects), so no
learner ``__eq__`` or numpy override is ever called here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from grader.engine.wire import ArrayValue, OpaqueValue

ARRAY_ORIGINS = ("jax", "numpy")


@dataclass(frozen=True)
class Mismatch:
    """The first place where the received output differs from the expected one."""

    path: str
    kind: str  # structure | type | shape | dtype | values
    expected: str
    received: str
    max_abs_error: float | None = None
    max_rel_error: float | None = None
    worst_index: tuple | None = None
    expected_at_worst: float | complex | None = None
    received_at_worst: float | complex | None = None
    mismatched: int = 0
    total: int = 0


def describe(value: Any) -> str:
    """A short, learner-facing name for what a decoded value is, with its article."""
    if isinstance(value, ArrayValue):
        if value.origin in ARRAY_ORIGINS:
            kind = "a jax.Array" if value.origin == "jax" else "a numpy array"
            return f"{kind} of shape {tuple(value.data.shape)} and dtype {value.data.dtype.name}"
        if value.origin == "numpy-scalar":
            return f"a NumPy scalar of dtype {value.data.dtype.name}"
        return f"an array-like object ({value.origin})"
    if isinstance(value, OpaqueValue):
        return f"an object of type {value.type_name}"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, (list, tuple)):
        return f"a Python {type(value).__name__} of length {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"a Python {type(value).__name__}"


def compare_tree(
    expected: Any, received: Any, rtol: float, atol: float, path: str = "output"
) -> Mismatch | None:
    """Return the first mismatch between two decoded pytrees, or None when they agree."""
    if isinstance(expected, (list, tuple)):
        if type(received) is not type(expected) or len(received) != len(expected):
            return Mismatch(path, "structure", describe(expected), describe(received))
        for i, (e, r) in enumerate(zip(expected, received, strict=True)):
            found = compare_tree(e, r, rtol, atol, f"{path}[{i}]")
            if found:
                return found
        return None
    if isinstance(expected, dict):
        if type(received) is not dict or set(received) != set(expected):
            return Mismatch(path, "structure", describe(expected), describe(received))
        for key in expected:
            found = compare_tree(expected[key], received[key], rtol, atol, f"{path}[{key!r}]")
            if found:
                return found
        return None
    if isinstance(expected, ArrayValue):
        return _compare_arrays(expected, received, rtol, atol, path)
    if isinstance(expected, float) and not isinstance(expected, bool):
        if type(received) is not float:
            return Mismatch(path, "type", describe(expected), describe(received))
        a = ArrayValue(np.array(expected), "numpy")
        return _compare_values(a.data, np.array(received), rtol, atol, path)
    if type(received) is not type(expected) or received != expected:
        return Mismatch(
            path,
            "type" if type(received) is not type(expected) else "values",
            repr(expected) if not isinstance(expected, OpaqueValue) else describe(expected),
            describe(received) if type(received) is not type(expected) else repr(received),
        )
    return None


def _compare_arrays(
    expected: ArrayValue, received: Any, rtol: float, atol: float, path: str
) -> Mismatch | None:
    if not isinstance(received, ArrayValue) or received.origin not in ARRAY_ORIGINS:
        return Mismatch(path, "type", describe(expected), describe(received))
    e, r = expected.data, received.data
    if e.shape != r.shape:
        return Mismatch(path, "shape", f"shape {e.shape}", f"shape {r.shape}")
    if e.dtype != r.dtype:
        return Mismatch(path, "dtype", f"dtype {e.dtype.name}", f"dtype {r.dtype.name}")
    return _compare_values(e, r, rtol, atol, path)


def _floating(dtype: np.dtype) -> bool:
    """Real or complex floats, with the ones numpy knows only as ``ml_dtypes`` extensions
    (bfloat16, float8_*), whose kind is 'V': values compared within the tolerance, NaN to NaN."""
    return dtype.kind in "fc" or (dtype.kind == "V" and dtype.name.startswith(("bfloat", "float")))


def _compare_values(e: np.ndarray, r: np.ndarray, rtol: float, atol: float, path: str) -> Mismatch | None:
    if not _floating(e.dtype):
        bad = e != r
        if not bad.any():
            return None
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        return Mismatch(
            path,
            "values",
            "",
            "",
            worst_index=idx,
            expected_at_worst=_scalar(e[idx]),
            received_at_worst=_scalar(r[idx]),
            mismatched=int(bad.sum()),
            total=int(e.size),
        )
    e64 = e.astype(np.complex128 if e.dtype.kind == "c" else np.float64)
    r64 = r.astype(e64.dtype)
    e_nan, r_nan = np.isnan(e64), np.isnan(r64)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(e64 - r64)
        same_inf = np.isinf(e64) & np.isinf(r64) & (e64 == r64)
        close = (np.isfinite(diff) & (diff <= atol + rtol * np.abs(e64))) | same_inf
    ok = np.where(e_nan | r_nan, e_nan & r_nan, close)
    if ok.all():
        return None
    # rank the errors: a NaN or inf where a number was expected is the worst
    err = np.where(ok, 0.0, np.where(np.isfinite(diff), diff, np.inf))
    flat = int(np.argmax(err))
    idx = tuple(int(i) for i in np.unravel_index(flat, e.shape)) if e.ndim else ()
    finite_err = np.where(np.isfinite(err), err, 0.0)
    denom = np.abs(e64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(denom > 0, finite_err / denom, np.where(finite_err > 0, np.inf, 0.0))
    return Mismatch(
        path,
        "values",
        "",
        "",
        max_abs_error=float(err.max()),
        max_rel_error=float(rel.max()),
        worst_index=idx,
        expected_at_worst=_scalar(e[idx]),
        received_at_worst=_scalar(r[idx]),
        mismatched=int((~ok).sum()),
        total=int(e.size),
    )


def _scalar(x: Any) -> float | complex:
    x = np.asarray(x)
    return complex(x) if x.dtype.kind == "c" else float(x)


def outputs_equal(a: Any, b: Any) -> bool:
    """Bit-for-bit equality of two decoded outputs (used for determinism checks)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(outputs_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return set(a) == set(b) and all(outputs_equal(a[k], b[k]) for k in a)
    if isinstance(a, ArrayValue):
        return (
            a.origin == b.origin
            and a.data.dtype == b.data.dtype
            and a.data.shape == b.data.shape
            and a.data.tobytes() == b.data.tobytes()
        )
    return a == b
