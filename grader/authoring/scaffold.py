"""``grader new``: the files of a new problem, with placeholders that ``grader validate`` rejects."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from grader.course.catalogue import SLUG_RE, load_catalogue
from grader.errors import GraderError

PLACEHOLDER = "TODO(grader-new)"  # `grader validate` rejects a file that still holds it
T = PLACEHOLDER  # short name for the templates below


class ScaffoldError(GraderError):
    """The problem cannot be created (bad slug, or it exists already)."""


# The placeholder words of `grader new`: every file keeps at least one line that validate rejects.

STATEMENT_BODY = """\
{T}: say what `{entry}(x)` must return, with the shapes and dtypes of its
arguments and of its result.

## Example

{T}: the worked example of the visible case, with its output.
"""

CONTRACT = """{T}: the contract in a few lines (arguments, result, shapes).

    x is a float32 array."""

SOLUTION_BODY = """\
    # {T}: the reference solution, deterministic and with the stub's signature.
    raise NotImplementedError
"""


def case_tables(*cases: tuple[str, str, str]) -> str:
    """``[[cases]]`` tables of cases.toml, one per (id, visibility, TOML value of x), each after a
    blank line; braces doubled, as the words of a ProblemText are format strings."""
    return "".join(
        f'\n[[cases]]\nid = "{case_id}"\nvisibility = "{visibility}"\n[cases.inputs]\nx = {x}\n'
        for case_id, visibility, x in cases
    )


CASES = (
    "# {T}: write the cases. Keep one visible worked example; make the hidden ones\n"
    "# catch every pitfall in reference/<slug>/pitfalls.toml, with few distinct shapes.\n"
    + case_tables(
        ("worked-example", "visible", "[1.0, 2.0, 3.0]"),
        ("random-input", "hidden", '{{ random = "normal", shape = [3], seed = 0 }}'),
    )
)


def pitfall_table(pitfall_id: str, message: str, function: str) -> str:
    """One ``[[pitfalls]]`` table of pitfalls.toml: a known mistake coded as ``function``."""
    return f'[[pitfalls]]\nid = "{pitfall_id}"\nmessage = {json.dumps(message, ensure_ascii=False)}\nfunction = "{function}"\n'


PITFALLS = pitfall_table("example-mistake", "{T}: say what went wrong and what to try.", "example_mistake")

PITFALL_CODE = """\

def example_mistake(x):
    # {T}: write the mistake as code, so validate can check a hidden case catches it.
    raise NotImplementedError
"""


@dataclass(frozen=True)
class ProblemText:
    """The words of a new problem, file by file. Each field is a format string that may use
    ``{T}`` (the placeholder), ``{entry}`` (the entry point) and ``{slug}``. The defaults are the
    placeholders of ``grader new``; ``grader init`` fills them with its example problem."""

    title: str = "{T}: a short title"
    difficulty: str = "easy"
    summary: str = "{T}: one sentence for `grader list`."
    hints: tuple[str, ...] = ("{T}: a first nudge.", "{T}: a more concrete second hint.")
    args_note: str = " {T}: rename, add or remove arguments."
    statement: str = STATEMENT_BODY
    contract: str = CONTRACT
    solution: str = SOLUTION_BODY
    cases: str = CASES
    pitfalls: str = PITFALLS
    pitfall_code: str = PITFALL_CODE


def new_problem(root: Path, slug: str, text: ProblemText = ProblemText()) -> list[Path]:
    """Create problems/SLUG/ and reference/SLUG/ from templates; return the files written."""
    if not SLUG_RE.match(slug):
        raise ScaffoldError(
            f"{slug!r} is not a valid slug: use lowercase letters, digits and single "
            "dashes, like 'my-problem'"
        )
    folder, ref = root / "problems" / slug, root / "reference" / slug
    for existing in (folder, ref):
        if existing.exists():
            raise ScaffoldError(f"{existing} exists already; choose another slug")
    entry = slug.replace("-", "_")
    if entry[0].isdigit():
        entry = f"solve_{entry}"
    positions = [p.position for p in load_catalogue(root).problems]

    def fill(template: str) -> str:
        return template.format(T=T, entry=entry, slug=slug)

    words = {
        name: fill(getattr(text, name))
        for name in (
            "title",
            "difficulty",
            "summary",
            "args_note",
            "statement",
            "contract",
            "solution",
            "cases",
            "pitfalls",
            "pitfall_code",
        )
    }
    words["hints"] = "".join(f"    {json.dumps(fill(hint), ensure_ascii=False)},\n" for hint in text.hints)
    words.update(
        entry=entry,
        slug=slug,
        position=str(max(positions, default=0) + 1),
        title_toml=json.dumps(words["title"], ensure_ascii=False),
        summary_toml=json.dumps(words["summary"], ensure_ascii=False),
    )
    files = {
        folder / "problem.toml": PROBLEM_TOML.format(**words),
        folder / "statement.md": STATEMENT_MD.format(**words),
        folder / "stub.py": STUB_PY.format(**words),
        folder / "cases.toml": CASES_TOML.format(**words),
        ref / "solution.py": SOLUTION_PY.format(**words),
        ref / "pitfalls.toml": PITFALLS_TOML.format(**words),
        ref / "pitfalls.py": PITFALLS_PY.format(**words),
    }
    folder.mkdir(parents=True)
    ref.mkdir(parents=True)
    for path, body in files.items():
        path.write_text(body, encoding="utf-8")
    return list(files)


# The skeletons: what every problem's files hold. The words go in the {fields}; a TOML string
# is written with json.dumps, whose escapes TOML's basic strings share.

PROBLEM_TOML = """\
format_version = 1
title = {title_toml}
position = {position}                 # order in the track; unique across problems
difficulty = "{difficulty}"          # easy | medium | hard
entry_point = "{entry}"
summary = {summary_toml}
time_limit = 10.0
hints = [
{hints}]

# One table per argument, in call order. Scalars arrive as Python floats,
# arrays as float32 jax.Arrays.{args_note}
[[args]]
name = "x"
kind = "array"

[tolerance]
rtol = 1e-5
atol = 1e-6
"""

STATEMENT_MD = """\
# {title}

{statement}"""

STUB_PY = '''\
import jax
import jax.numpy as jnp


def {entry}(x):
    """{contract}
    """
    raise NotImplementedError
'''

CASES_TOML = """\
format_version = 1

{cases}"""

SOLUTION_PY = """\
import jax
import jax.numpy as jnp


def {entry}(x):
{solution}"""

PITFALLS_TOML = """\
format_version = 1

# Known mistakes. A learner whose output matches one (and not the reference's)
# is told its message. Delete the example if the problem has no pitfall yet.

{pitfalls}"""

PITFALLS_PY = '''\
"""Known mistakes for {slug}, each with the entry point's signature."""

import jax
import jax.numpy as jnp

{pitfall_code}'''
