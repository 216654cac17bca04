"""``check(slug, function)`` for Jupyter and IPython: grade a live function out of this process.

The function never runs in the notebook's process. It is written to a small solution file that a
sandboxed learner worker loads like any other:

- ``cloudpickle``: the function and the notebook classes and values it uses, serialised by value
  and unpickled inside the worker (the learner's own process, never the grader's);
- ``source``: when it cannot be pickled, its source and the source of the notebook functions and
  classes it uses, rebuilt as a module.

The verdict says which path was used and renders as rich output in the notebook.
"""

from __future__ import annotations

import base64
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from io import StringIO
from pathlib import Path

from grader.course.catalogue import find_root, load_catalogue
from grader.course.workspace import Workspace
from grader.engine import daemon
from grader.grading.assess import GradeOptions, grade_problem
from grader.grading.results import ProblemResult

VIA = ("auto", "cloudpickle", "source")


@dataclass
class Verdict:
    """What ``check`` found; shows itself as rich output in a notebook."""

    result: ProblemResult
    graded_via: str  # cloudpickle | source
    how: str  # one sentence for the learner: how the function reached the grader

    @property
    def passed(self) -> bool:
        return self.result.passed

    @property
    def status(self) -> str:
        return self.result.status.value

    def render(self, console) -> None:
        from rich.text import Text

        from grader.reporters.text import render_check

        render_check(self.result, console)
        console.print(Text(self.how, style="dim italic"))

    def _console(self, color: bool):
        from rich.console import Console

        return Console(
            file=StringIO(),
            width=100,
            record=True,
            force_terminal=color,
            color_system="truecolor" if color else None,
            force_jupyter=False,
        )

    def print(self, file=None) -> None:
        """Print the verdict to ``file`` (standard output), in colour on a terminal."""
        from rich.console import Console

        self.render(Console(file=file or sys.stdout, highlight=False))

    def __repr__(self) -> str:
        console = self._console(color=False)
        self.render(console)
        return console.file.getvalue().rstrip("\n")

    def _repr_html_(self) -> str:
        console = self._console(color=True)
        self.render(console)
        return console.export_html(
            inline_styles=True,
            code_format=(
                '<pre style="white-space:pre-wrap;font-family:Menlo,Consolas,monospace;'
                'line-height:1.3">{code}</pre>'
            ),
        )


def check(
    slug: str,
    function,
    *,
    root: str | Path | None = None,
    via: str = "auto",
    record: bool = True,
    options: GradeOptions = GradeOptions(),
) -> Verdict:
    """Grade ``function`` as the solution of problem ``slug`` in a sandboxed worker process.

    ``via`` picks how the function reaches the worker: ``"cloudpickle"``, ``"source"``, or
    ``"auto"`` (cloudpickle, else source). With ``record``, the check counts in your workspace
    progress like ``grader check``. Workers come from the check daemon kept between checks, as
    at a terminal (grader/engine/daemon.py; ``GRADER_DAEMON=0`` turns it off). The verdict is
    returned for the notebook (or the interactive prompt) to show, and printed when called from
    a plain script."""
    if via not in VIA:
        raise ValueError(f"via must be one of {', '.join(VIA)}")
    if not callable(function):
        raise TypeError(f"check() needs your function itself, not {type(function).__name__}")
    course = Path(root).resolve() if root is not None else find_root()
    problem = load_catalogue(course).get(slug)
    folder = Path(tempfile.mkdtemp(prefix="grader-notebook-"))
    try:
        path, graded_via, how = _write_solution(function, problem.entry_point, folder, via)
        name = getattr(function, "__name__", "your function")
        with daemon.warm_run(options.run, interactive=True) as run:
            result = grade_problem(problem, path, f"{name} (from your notebook)", replace(options, run=run))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if record:
        Workspace.locate(course).record_check(problem.slug, result.status.value)
    verdict = Verdict(result=result, graded_via=graded_via, how=how)
    if not _caller_shows_values():
        verdict.print()
    return verdict


def _caller_shows_values() -> bool:
    """Whether what ``check`` returns is shown without a print: the value of a notebook cell or
    of a line typed at an interactive prompt (IPython or plain Python) is; in a script it is not
    (nor in the script part of ``python -i script.py``, which runs before the prompt exists)."""
    ipython = sys.modules.get("IPython")
    if ipython is not None and getattr(ipython, "get_ipython", lambda: None)() is not None:
        return True
    return hasattr(sys, "ps1")


def _write_solution(function, entry_point: str, folder: Path, via: str) -> tuple[Path, str, str]:
    why_not = ""
    if via in ("auto", "cloudpickle"):
        try:
            blob = _pickle(function)
        except Exception as exc:
            if via == "cloudpickle":
                raise
            why_not = f" (it could not be pickled: {type(exc).__name__}: {exc})"
        else:
            path = folder / "notebook_solution.py"
            path.write_text(_LOADER.format(entry_point=entry_point, blob=base64.b64encode(blob).decode()))
            return (
                path,
                "cloudpickle",
                ("Graded in a separate worker process: your function was sent by value with cloudpickle."),
            )
    from grader.interactive.function_source import rebuild_module

    rebuilt = rebuild_module(function, entry_point)
    path = folder / "notebook_solution.py"
    path.write_text(rebuilt.source)
    how = f"Graded in a separate worker process from the source of {', '.join(rebuilt.definitions)}{why_not}."
    if rebuilt.skipped:
        how += f" Not copied (define them inside your function): {', '.join(rebuilt.skipped)}."
    return path, "source", how


def _pickle(function) -> bytes:
    import cloudpickle

    return cloudpickle.dumps(function)


# The worker imports this file like a learner's file, so unpickling happens in the sandbox.
_LOADER = '''"""Your notebook function, sent by value with cloudpickle by grader.check."""
import base64
import cloudpickle

{entry_point} = cloudpickle.loads(base64.b64decode("{blob}"))
'''
