"""An interactive problem-set grader for JAX and Flax.

The subpackages are layers; a module imports only from its own layer and the layers below it
(pyproject.toml's ``[tool.importlinter]`` checks this, tests/package/test_architecture.py runs it):

    cli          the commands: parse arguments, call one function below, set the exit code
    interactive  front ends that stay open: ``grader watch``, notebooks (``grader.check``)
    reporters    render results as text, JSON, JUnit, Gradescope...; they read, never run or grade
    authoring    the instructor's tools: validate, scaffold, export, mutants, course init
    grading      expected outputs, comparison, feedback, results, batches, gradebooks
    course       the course model: problems and their metadata, workspace, progress
    engine       processes and protections: workers, sandbox, wire format, pools, daemon
    errors       GraderError, the base of the errors the grader reports as a message

So the engine knows nothing of courses or grading (it calls functions on arguments and reports
what happened), the course model knows nothing of grading, and the front ends sit on top. No
import cycle either, between the modules of a subpackage or between subpackages.

Kept free of heavy imports: worker processes import this package before anything else.
"""

from typing import Any

__version__ = "0.1.0"

__all__ = ["check"]


def __getattr__(name: str) -> Any:
    # loaded on first use, so that worker processes importing this package stay light
    if name == "check":
        from grader.interactive.notebook import check

        return check
    raise AttributeError(f"module 'grader' has no attribute {name!r}")
