"""The grader's error base class, the lowest module of the package: every layer may import it.

An error deriving from ``GraderError`` is one the grader reports as a message, not a traceback:
the course, a file or a setting is not usable, and the message says what and where.
"""

from __future__ import annotations


class GraderError(Exception):
    """The grader cannot do what was asked: a problem, a file or a setting is broken (not the learner's
    fault).

    ``file`` and ``field`` say where, when known (``grader validate`` reports them)."""

    def __init__(self, message: str, file: str = "", field: str = ""):
        super().__init__(message)
        self.file, self.field = file, field
