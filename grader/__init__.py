"""An interactive problem-set grader for JAX and Flax.

Kept free of heavy imports: worker processes import this package before anything else.
"""

__version__ = "0.1.0"

__all__ = ["check"]


def __getattr__(name: str):
    # loaded on first use, so that worker processes importing this package stay light
    if name == "check":
        from grader.interactive.notebook import check

        return check
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
