"""The machine-readable form of a problem's result (the ``check --format json`` contract)."""

from __future__ import annotations

from grader.grading.results import ProblemResult


def check_object(result: ProblemResult) -> dict:
    """``{"problem", "status", "score", "max_score", "cases": [...], "diagnoses": [...]}``; hidden
    cases reveal no input."""
    return {
        "problem": result.slug,
        "status": result.status.value,
        "score": float(result.score),
        "max_score": float(result.max_score),
        "message": result.message,
        "only_visible": result.only_visible,
        "cases": [
            {
                "id": c.id,
                "visibility": c.visibility,
                "status": c.status.value,
                "message": c.full_message,
                "pitfall": c.pitfall,
            }
            for c in result.cases
        ],
        "notes": [n.message + (f" ({n.location})" if n.location else "") for n in result.notes],
        # what the text report explains, most cases first: one entry per way of failing
        "diagnoses": [
            {
                "kind": d.kind,
                "title": d.title,
                "found": d.found,
                "fix": d.fix,
                "cases": list(d.cases),
                "pitfall": d.pitfall,
            }
            for d in result.diagnoses
        ],
    }
