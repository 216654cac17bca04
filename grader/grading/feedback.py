"""Turn raw runner records into messages a learner can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.grading.compare import Mismatch
from grader.grading.results import ErrorInfo, Note, TraceFrame


@dataclass(frozen=True)
class ErrorHint:
    type: str  # exception class name, or "" for any
    pattern: str  # regular expression searched in the message
    hint: str


# Common error signatures of these problems, with what to try. Order matters: first match wins.
ERROR_HINTS = (
    ErrorHint("TypeError", r"cannot be interpreted as an integer",
              "Scalar inputs arrive as Python floats (3 arrives as 3.0): cast with int(...) before range() or indexing."),
    ErrorHint("TypeError", r"Shapes must be 1D sequences of concrete values of integer type",
              "A float reached a shape or a layer size: cast sizes such as features with int(...)."),
    ErrorHint("", r"Invalid rng value",
              "Random keys need an integer seed: the seed arrives as a float, so pass int(seed)."),
    ErrorHint("", r"PRNGKey|random seed|seed must be",
              "Random keys need an integer seed: the seed arrives as a float, so pass int(seed)."),
    ErrorHint("", r"Found data on value of type '<class 'list'>'",
              "Keep sub-modules in nnx.List([...]) rather than a plain Python list, so NNX tracks their parameters."),
    ErrorHint("TypeError", r"'State' object is not callable",
              "nnx.split returns (graphdef, state); build a callable model again with nnx.merge(graphdef, state)."),
    ErrorHint("IndexError", r"",
              "An index went past the end: with n layers, the last one is at index n - 1."),
    ErrorHint("KeyError", r"",
              "A dictionary key was not found: print the keys (or jax.tree_util.tree_structure) to see the real names."),
    ErrorHint("NameError", r"",
              "A name is not defined: check the imports at the top of your file (jax, jax.numpy as jnp, nnx)."),
    ErrorHint("", r"[Cc]ould not find parameter|ScopeParamNotFound",
              "apply() could not find a parameter: when you replace one entry, keep every other entry of the tree."),
    ErrorHint("SystemExit", r"",
              "Your code called sys.exit() or exit(); return a value from the function instead."),
)


# control characters (but tab and newline), bidirectional overrides and lone surrogates: a
# learner's message could move the cursor, fake a verdict on a terminal, or fail to encode
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Learner text safe to print and to encode anywhere: unsafe characters become escapes."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", str(text))


def hint_for(error_type: str, message: str) -> str:
    for h in ERROR_HINTS:
        if h.type and h.type != error_type:
            continue
        if re.search(h.pattern, message):
            return h.hint
    return ""


def error_info(raw: dict, learner_file: str, display_file: str) -> ErrorInfo:
    """Trim a worker's exception record to the learner's own frames and attach a hint."""
    frames = [f for f in raw.get("frames", []) if f.get("file") == learner_file]
    if not frames and raw.get("frames"):
        frames = raw["frames"][-1:]  # the error came from a library: show where, at least
    trimmed = tuple(
        TraceFrame(display_file if f.get("file") == learner_file else clean_text(_short(str(f.get("file", "")))),
                   int(f.get("line", 0)), clean_text(f.get("name", "")), clean_text(f.get("code", "")))
        for f in frames
    )
    etype, message = str(raw.get("type", "Exception")), str(raw.get("message", ""))
    return ErrorInfo(type=clean_text(etype), message=clean_text(message), frames=trimmed, hint=hint_for(etype, message),
                     not_implemented=bool(raw.get("not_implemented")))


def _short(path: str) -> str:
    """Library paths are long and machine-specific: keep the part from the package folder on."""
    marker = "site-packages/"
    return path.split(marker, 1)[1] if marker in path else path


def error_message(err: ErrorInfo) -> str:
    if err.not_implemented:
        return "not implemented yet: the function still raises NotImplementedError"
    first = err.message.strip().splitlines()[0] if err.message.strip() else ""
    text = f"{err.type}: {first}" if first else err.type
    if len(text) > 300:
        text = text[:297] + "..."
    return text


def mismatch_message(m: Mismatch, reveal: bool = True) -> str:
    """Explain a mismatch. With ``reveal`` False (hidden cases) say only where and what kind of
    difference: no value, shape or size of either side (both may tell the hidden inputs)."""
    if not reveal:
        return _hidden_mismatch(m)
    if m.kind in ("structure", "type"):
        return clean_text(f"{m.path}: expected {m.expected}, got {m.received}")
    if m.kind in ("shape", "dtype"):
        extra = " (shapes must match exactly; no broadcasting)" if m.kind == "shape" else ""
        return f"{m.path}: expected {m.expected}, got {m.received}{extra}"
    if m.worst_index is None:
        return clean_text(f"{m.path}: expected {m.expected}, got {m.received}")
    where = f"{m.path}[{', '.join(map(str, m.worst_index))}]" if m.worst_index else m.path
    text = (f"{m.mismatched} of {m.total} value(s) differ; worst at {where}: "
            f"expected {_num(m.expected_at_worst)}, got {_num(m.received_at_worst)}")
    if m.max_abs_error is not None:
        text += f" (abs error {_num(m.max_abs_error)}, rel error {_num(m.max_rel_error)})"
    return text


_KINDS = ("a jax.Array", "a numpy array", "a NumPy scalar", "an array-like object", "None", "a bool",
          "a Python list", "a Python tuple", "a dict", "a Python float", "a Python int", "a Python str")


def _kind(description: str) -> str:
    """What kind of value ``compare.describe`` described, without its sizes, keys or type name."""
    if description.startswith("an object of type"):
        return "an object of another type"
    return next((k for k in _KINDS if description == k or description.startswith(k + " ")), "another value")


def _hidden_mismatch(m: Mismatch) -> str:
    if m.kind == "structure":
        expected, received = _kind(m.expected), _kind(m.received)
        if expected == received:
            return f"{m.path}: {received} of another length or with other keys than expected"
        return f"{m.path}: expected {expected}, got {received}"
    if m.kind == "type":
        return f"{m.path}: expected {_kind(m.expected)}, got {_kind(m.received)}"
    if m.kind == "shape":
        return f"{m.path}: the shape differs from the expected output's (shapes must match exactly; no broadcasting)"
    if m.kind == "dtype" and re.fullmatch(r"dtype \w+", m.expected) and re.fullmatch(r"dtype \w+", m.received):
        return f"{m.path}: expected {m.expected}, got {m.received}"
    return f"{m.path}: the values differ from the expected output"


def _num(x) -> str:
    if x is None:
        return "?"
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def warning_notes(records: list[dict], learner_file: str, display_file: str) -> list[Note]:
    """Deduplicated warnings seen while loading or calling learner code."""
    notes, seen = [], set()
    for w in records:
        key = (w.get("category"), w.get("message"))
        if key in seen:
            continue
        seen.add(key)
        where = f"{display_file}:{w.get('line')}" if w.get("file") == learner_file else ""
        notes.append(Note(clean_text(f"{w.get('category')}: {w.get('message')}"), where))
    return notes
