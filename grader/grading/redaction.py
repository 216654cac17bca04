"""What a hidden case may show: nothing its learner code wrote, nothing of its inputs or expected output.

A process that ran a hidden case held its inputs, so every text it sent back (exception message,
warning, type or function name, source line) may carry them. For a hidden case the grader shows
only what it can vouch for without that process:

- the exception's or warning's type, when the name is a built-in one, a word of the learner's
  file, the type of an error a visible case raised, a pitfall's type, or a word of the library
  file the traceback passed through (otherwise: ``Exception``);
- the learner's own file and line (a line the file has), with the line's text read from the
  grader's copy of the file;
- the hint and the known mistake that match (fixed text chosen by the instructor);
- a pointer to a visible case that raised the same type at the same line.

Mismatches are told by ``feedback.mismatch_message(m, reveal=False)``.
"""

from __future__ import annotations

import builtins
import functools
import os
import re
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.grading.feedback import hint_for
from grader.grading.results import ErrorInfo, Note, TraceFrame

NOT_SHOWN = "(message not shown for a hidden case)"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}\Z")
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_SYNTHETIC = frozenset({"<module>", "<lambda>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})
_MAX_LIBRARY_FILE = 8 << 20

# what the grader writes about a call that did not return; anything else is cut to its kind
_DETAILS = tuple(
    re.compile(p)
    for p in (
        r"stopped after [A-Za-z0-9 .,()]+",
        r"not run: case [A-Za-z0-9_.-]+ timed out first",
        r"the total time limit ran out first",
        r"the process was killed by [A-Z0-9+]+",
        r"the process ended with exit code -?\d+ before reporting a result",
        r"the process stopped responding",
        r"no result was reported for this case",
        r"the file could not be loaded",
    )
)
_TAMPERED = "the result channel was tampered with or corrupted"


@dataclass
class Vouched:
    """What the grader knows about one learner file without asking a process that ran a hidden case."""

    learner_file: str  # the path the worker ran (the grader's private copy)
    display: str  # the file as the learner names it
    lines: list[str]
    words: frozenset[str]
    known_types: set[str] = field(default_factory=set)  # raised by visible cases, named by pitfalls
    visible_errors: dict[tuple[str, int], str] = field(default_factory=dict)  # (type, line) -> case id

    @classmethod
    def of(cls, source: bytes, learner_file: str, display: str) -> Vouched:
        text = source.decode("utf-8", errors="replace")
        return cls(
            learner_file, display, text.splitlines(), frozenset(w.decode() for w in _WORD.findall(source))
        )

    def saw_visible(self, case_id: str, raw: dict) -> None:
        """A visible case raised ``raw`` (a worker's exception record)."""
        etype = str(raw.get("type", ""))
        self.known_types.add(etype)
        self.visible_errors.setdefault((etype, self.deepest_line(raw)), case_id)

    def line(self, value: object) -> int:
        """``value`` when it is a line the file has, else 0."""
        return value if isinstance(value, int) and 1 <= value <= len(self.lines) else 0

    def deepest_line(self, raw: dict) -> int:
        lines = [self.line(f.get("line")) for f in _frames(raw) if f.get("file") == self.learner_file]
        return next((n for n in reversed(lines) if n), 0)

    def name(self, name: object, library_files: Iterable[object] = ()) -> str | None:
        """``name`` when the grader can vouch for it (see the module's docstring), else None."""
        name = str(name)
        if not _NAME.match(name):
            return None
        if name in self.words or name in self.known_types or _builtin(name):
            return name
        if any(name in _library_words(str(f)) for f in library_files):
            return name
        return None

    def frames(self, raw: dict) -> tuple[TraceFrame, ...]:
        """The outermost and the innermost of the learner's own frames (the line the error came
        through, by which diagnoses group errors, and the line it was raised at), at lines their
        file has, with the text of the grader's copy. Two frames, not the whole chain: which lines
        a hidden case's traceback went through is a channel learner code chooses (a function per
        byte of an input)."""
        out = []
        for f in _frames(raw):
            line = self.line(f.get("line"))
            if f.get("file") != self.learner_file or not line:
                continue
            fname = str(f.get("name", ""))
            fname = fname if fname in _SYNTHETIC or (_NAME.match(fname) and fname in self.words) else "?"
            out.append(TraceFrame(self.display, line, fname, self.lines[line - 1].strip()[:300]))
        return tuple(out[:1] + out[1:][-1:])


def hidden_error(raw: dict, v: Vouched) -> ErrorInfo:
    """A hidden case's exception as it may be shown."""
    etype = str(raw.get("type", ""))
    libraries = [f.get("file") for f in _frames(raw) if f.get("file") != v.learner_file]
    shown_type = v.name(etype, libraries)
    same = v.visible_errors.get((etype, v.deepest_line(raw))) if shown_type else None
    message = (
        f"(the same error as visible case {same}: see its message)"
        if same
        else NOT_SHOWN
        if shown_type
        else "(its type and message are not shown for a hidden case)"
    )
    return ErrorInfo(
        type=shown_type or "Exception",
        message=message,
        frames=v.frames(raw),
        hint=hint_for(etype, str(raw.get("message", ""))),
        not_implemented=bool(raw.get("not_implemented")),
    )


HIDDEN_WARNING_PLACES = 3  # distinct places of warnings raised by hidden cases told in one run


def hidden_warning_notes(records: list[dict], v: Vouched, shown: set[tuple[str, str]]) -> list[Note]:
    """Warnings raised while hidden cases ran, without their messages; one per type and place,
    and none where a visible case or the import showed the same type at the same place."""
    notes: list[Note] = []
    more = 0
    for w in records:
        category = v.name(w.get("category"), [w.get("file")]) or "Warning"
        line = v.line(w.get("line"))
        where = f"{v.display}:{line}" if w.get("file") == v.learner_file and line else ""
        if (category, where) in shown:
            continue
        shown.add((category, where))
        if len(notes) == HIDDEN_WARNING_PLACES:
            more += 1  # where warnings come from is a channel too: a few places are told, no more
            continue
        notes.append(Note(f"{category}: (raised while a hidden case ran; the message is not shown)", where))
    if more:
        notes.append(Note(f"{more} more warning place(s) in hidden cases, not shown"))
    return notes


def warning_key(record: dict, v: Vouched) -> tuple[str, str]:
    """The (type, place) of a warning shown in full, to leave out its hidden twins."""
    line = v.line(record.get("line"))
    where = f"{v.display}:{line}" if record.get("file") == v.learner_file and line else ""
    return str(record.get("category")), where


def hidden_detail(detail: str, fallback: str) -> str:
    """A grader-written detail about a hidden call, when it is one of the grader's own sentences."""
    if any(p.fullmatch(detail) for p in _DETAILS):
        return detail
    if detail.startswith(_TAMPERED):
        return _TAMPERED
    return fallback


def _frames(raw: dict) -> list[dict]:
    frames = raw.get("frames")
    return [f for f in frames if isinstance(f, dict)] if isinstance(frames, list) else []


def _builtin(name: str) -> bool:
    found = getattr(builtins, name, None)
    return isinstance(found, type) and issubclass(found, BaseException)


@functools.lru_cache(maxsize=1)
def _install_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        paths.get("stdlib", ""),
        paths.get("purelib", ""),
        paths.get("platlib", ""),
    }
    return tuple(sorted({os.path.realpath(r) + os.sep for r in roots if r}))


def _library_words(path: str) -> frozenset[str]:
    """The words of a Python file installed with the interpreter (never a learner's)."""
    if not path.endswith(".py") or not os.path.isabs(path):
        return frozenset()
    real = os.path.realpath(path)
    if not real.startswith(_install_roots()):
        return frozenset()
    try:
        st = os.stat(real)
    except OSError:
        return frozenset()
    return _words_of(real, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=64)
def _words_of(real: str, mtime_ns: int, size: int) -> frozenset[str]:
    if size > _MAX_LIBRARY_FILE:
        return frozenset()
    try:
        with open(real, "rb") as fh:
            return frozenset(w.decode() for w in _WORD.findall(fh.read(_MAX_LIBRARY_FILE)))
    except OSError:
        return frozenset()
