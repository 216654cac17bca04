"""Points: how the grader writes a number of them (2, not 2.0; 1.5 as 1.5) and how a whole adds
up the points of its parts (a problem of its cases, a submission of its problems)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


def format_points(x: float) -> str:
    """``x`` without a trailing ``.0`` when it is whole, else in the shortest general form."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class Scored(Protocol):
    @property
    def score(self) -> float: ...

    @property
    def max_score(self) -> float: ...


class Totals:
    """``score`` and ``max_score`` as the sums over the parts a subclass names in ``_scored``."""

    def _scored(self) -> Iterable[Scored]:
        raise NotImplementedError

    @property
    def score(self) -> float:
        return sum(part.score for part in self._scored())

    @property
    def max_score(self) -> float:
        return sum(part.max_score for part in self._scored())
