"""How the grader writes a number of points (or a share of them): 2, not 2.0; 1.5 as 1.5."""

from __future__ import annotations


def format_points(x: float) -> str:
    """``x`` without a trailing ``.0`` when it is whole, else in the shortest general form."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
