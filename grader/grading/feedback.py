"""Turn raw runner records into messages a learner can act on."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from grader.grading.compare import Mismatch
from grader.grading.results import ErrorInfo, Note, TraceFrame


@dataclass(frozen=True)
class ErrorHint:
    type: str  # exception class name, or "" for any
    pattern: str  # regular expression searched in the message
    hint: str


# Common error signatures of these problems, with what to try. Order matters: first match wins.
# Each hint is the "what to try" of a message: the error itself already says what came back.
ERROR_HINTS = (
    ErrorHint(
        "SyntaxError",
        r"",
        "Python could not read this line: look for a missing colon, bracket or "
        "quote at the caret or just before it.",
    ),
    ErrorHint(
        "IndentationError",
        r"",
        "Indent the body of each def, for and if by the same four spaces, and do not mix tabs with spaces.",
    ),
    ErrorHint("TabError", r"", "Indent with spaces only: tabs and spaces are mixed on this line."),
    ErrorHint(
        "ModuleNotFoundError",
        r"",
        "Check the module's spelling; the course uses jax, jax.numpy, flax.nnx, flax.linen, numpy and optax.",
    ),
    ErrorHint(
        "ImportError",
        r"",
        "That name is not in the module: check its spelling, or import the module and use module.name.",
    ),
    ErrorHint(
        "TypeError",
        r"cannot be interpreted as an integer",
        "Numbers arrive as Python floats (3 arrives as 3.0): cast counts with int(...) before range() "
        "or indexing.",
    ),
    ErrorHint(
        "TypeError",
        r"Shapes must be 1D sequences of concrete values of integer type",
        "Sizes arrive as Python floats (4 arrives as 4.0): cast sizes such as features with int(...).",
    ),
    ErrorHint(
        "TypeError",
        r"(indices|slice indices) must be integers",
        "Indices arrive as Python floats (1 arrives as 1.0): cast them with int(...) before indexing.",
    ),
    ErrorHint(
        "",
        r"Invalid rng value",
        "Random keys need an integer seed, and the seed arrives as a float: pass int(seed).",
    ),
    ErrorHint(
        "",
        r"PRNGKey|PRNG key|random seed|seed must be",
        "Random keys need an integer seed, and the seed arrives as a float: pass int(seed).",
    ),
    ErrorHint(
        "",
        r"Found data on value of type '<class 'list'>'",
        "Keep sub-modules in nnx.List([...]) rather than a plain Python list, so NNX tracks their "
        "parameters.",
    ),
    ErrorHint(
        "TypeError",
        r"'State' object is not callable",
        "nnx.split returns (graphdef, state); build a callable model again with nnx.merge(graphdef, state).",
    ),
    ErrorHint(
        "",
        r"ApplyScopeInvalidVariables|should be a dictionary of collections|"
        r"ScopeCollectionNotFound|from collection \"params\" .* the collection is empty",
        'Linen\'s apply() takes every collection: call model.apply({"params": params}, x), not '
        "model.apply(params, x).",
    ),
    ErrorHint(
        "",
        r"[Cc]ould not find parameter|ScopeParamNotFound",
        'apply() could not find a parameter: pass {"params": params} and, when you replace one '
        "entry, keep every other entry of the tree.",
    ),
    ErrorHint(
        "",
        r"ScopeParamShapeError|expected to generate shape",
        "A parameter has another shape than the layer expects: keep each kernel's (in, out) shape "
        "when you replace it (jnp.full_like(old, value) keeps it).",
    ),
    ErrorHint(
        "TypeError",
        r"dot_general requires contracting dimensions|shapes? .* not aligned|matmul",
        "A matrix product got sizes that do not fit: print x.shape and the kernel's shape "
        "(in_features, out_features) and make them agree.",
    ),
    ErrorHint(
        "",
        r"[Ii]ncompatible shapes for broadcasting|cannot broadcast|could not broadcast",
        "Two arrays of shapes that do not fit were combined: print their shapes just before this line.",
    ),
    ErrorHint(
        "TypeError",
        r"positional argument|unexpected keyword argument|missing \d+ required",
        "A function got other arguments than it takes: compare your def line (and this call) with "
        "the signature in the statement.",
    ),
    ErrorHint(
        "IndexError", r"", "An index went past the end: with n layers, the last one is at index n - 1."
    ),
    ErrorHint(
        "KeyError",
        r"",
        "A dictionary key was not found: print the keys (or jax.tree_util.tree_structure) to see the "
        "real names.",
    ),
    ErrorHint(
        "NameError",
        r"",
        "A name is not defined: check the imports at the top of your file (jax, jax.numpy as jnp, "
        "nnx) and the spelling.",
    ),
    ErrorHint(
        "AttributeError",
        r"",
        "That attribute does not exist: print the object (print(model), or nnx.state(model)) to see "
        "its real names, such as kernel and bias.",
    ),
    ErrorHint(
        "ZeroDivisionError", r"", "Something divided by zero: check the sizes or counts you divide by."
    ),
    ErrorHint("RecursionError", r"", "A function calls itself without end: check that it stops."),
    ErrorHint(
        "SystemExit", r"", "Your code called sys.exit() or exit(); return a value from the function instead."
    ),
)

# when no hint above fits
GENERIC_ERROR_FIX = (
    "Run the function yourself on the visible case's inputs and read the line marked "
    "above; print the values it uses just before it."
)

SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


# control characters (but tab and newline), line and paragraph separators, bidirectional
# overrides, lone surrogates and the two non-characters XML refuses: a learner's message could
# move the cursor, fake a verdict on a terminal, break a one-line format, or fail to encode
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def clean_text(text: str) -> str:
    """Learner text safe to print and to encode anywhere: unsafe characters become escapes."""
    return _UNSAFE.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}", str(text)
    )


def hint_for(error_type: str, message: str) -> str:
    for h in ERROR_HINTS:
        if h.type and h.type != error_type:
            continue
        if re.search(h.pattern, f"{error_type}: {message}"):
            return h.hint
    return ""


def error_info(raw: dict, learner_file: str, display_file: str) -> ErrorInfo:
    """Trim a worker's exception record to the learner's own frames and attach a hint."""
    frames = [f for f in raw.get("frames", []) if f.get("file") == learner_file]
    # the grader's own frames tell nothing: there only when its call did not fit the function
    others = [f for f in raw.get("frames", []) if not str(f.get("file", "")).startswith(_GRADER_DIR)]
    if not frames and others:
        frames = others[-1:]  # the error came from a library: show where, at least
    trimmed = tuple(
        TraceFrame(
            display_file if f.get("file") == learner_file else clean_text(_short(str(f.get("file", "")))),
            int(f.get("line", 0)),
            clean_text(f.get("name", "")),
            clean_text(f.get("code", "")),
            _column(f),
        )
        for f in frames
    )
    etype, message = str(raw.get("type", "Exception")), str(raw.get("message", ""))
    message = _FLAX_DOCS.sub("", message)  # a link to the error's page adds a wrapped line, not help
    return ErrorInfo(
        type=clean_text(etype),
        message=clean_text(message),
        frames=trimmed,
        hint=hint_for(etype, message),
        not_implemented=bool(raw.get("not_implemented")),
    )


_GRADER_DIR = str(Path(__file__).resolve().parents[1]) + os.sep
_FLAX_DOCS = re.compile(r"\s*\(https://flax\.readthedocs\.io/\S*\)")


def _column(frame: dict) -> int:
    """Where a syntax error's caret goes: a column of the line shown (1 past its end at most),
    else none. The number comes from the learner's process: it sizes nothing unchecked."""
    column = int(frame.get("column") or 0)
    return column if 0 < column <= len(str(frame.get("code", ""))) + 1 else 0


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
    text = (
        f"{m.mismatched} of {m.total} value(s) differ; worst at {where}: "
        f"expected {_value_text(m.expected_at_worst)}, got {_value_text(m.received_at_worst)}"
    )
    if m.max_abs_error is not None:
        text += f" (abs error {_value_text(m.max_abs_error)}, rel error {_value_text(m.max_rel_error)})"
    return text


def mismatch_fix(kind: str, message: str) -> str:
    """What to try for a mismatch of this kind, read from its (possibly redacted) message."""
    got = message.rsplit(", got ", 1)[1] if ", got " in message else ""
    if got.startswith("None"):
        return "Your function returned None: is a `return` missing at its end (or in one branch)?"
    if got.startswith(("a Python list", "a Python tuple")) and "expected a jax.Array" in message:
        return "Turn it into an array before returning it: jnp.asarray(...) or jnp.stack(...)."
    if got.startswith("a numpy array") or got.startswith("a NumPy scalar"):
        return "Stay in jax.numpy (jnp) rather than numpy, or convert the result with jnp.asarray(...)."
    if got.startswith(("a jax.Array", "a numpy array")) and re.search(
        r"expected (a Python (float|int)|-?\d)", message
    ):
        return "Return a Python number: convert a one-element array with float(...) or int(...)."
    if kind == "dtype":
        if "float64" in got:
            return (
                "float64 comes from NumPy or Python arithmetic: stay in jax.numpy (jnp), which "
                "keeps float32, or cast with .astype(jnp.float32)."
            )
        return "Cast the result with .astype(...) to the expected dtype, or find where the dtype changed."
    if kind == "shape":
        return (
            "Print the shape of what you return: an axis was added, dropped or swapped (a batch axis, "
            "a squeeze, a transposed kernel)."
        )
    if kind in ("structure", "type"):
        return "Return exactly the kind of value the statement describes, with the same keys or length."
    if re.search(r"\bgot (nan|inf|-inf)\b", message):
        return "A NaN or inf came back: look for a division by zero or a log or square root of a negative."
    return (
        "Run the visible case yourself and compare each step with the statement; print the values "
        "between steps to see where they part."
    )


_KINDS = (
    "a jax.Array",
    "a numpy array",
    "a NumPy scalar",
    "an array-like object",
    "None",
    "a bool",
    "a Python list",
    "a Python tuple",
    "a dict",
    "a Python float",
    "a Python int",
    "a Python str",
)


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
    if (
        m.kind == "dtype"
        and re.fullmatch(r"dtype \w+", m.expected)
        and re.fullmatch(r"dtype \w+", m.received)
    ):
        return f"{m.path}: expected {m.expected}, got {m.received}"
    return f"{m.path}: the values differ from the expected output"


def _value_text(x: float | complex | None) -> str:
    """A value of a comparison in a message: six significant digits, ``?`` when unknown."""
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
