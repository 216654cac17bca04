"""``grader new``: the files of a new problem, with placeholders that ``grader validate`` rejects."""

from __future__ import annotations

from pathlib import Path

from grader.course.catalogue import SLUG_RE, load_catalogue
from grader.authoring.validate import PLACEHOLDER
from grader.errors import GraderError

T = PLACEHOLDER  # short name for the templates below


class ScaffoldError(GraderError):
    """The problem cannot be created (bad slug, or it exists already)."""


def new_problem(root: Path, slug: str) -> list[Path]:
    """Create problems/SLUG/ and reference/SLUG/ from templates; return the files written."""
    if not SLUG_RE.match(slug):
        raise ScaffoldError(f"{slug!r} is not a valid slug: use lowercase letters, digits and single "
                            "dashes, like 'my-problem'")
    folder, ref = root / "problems" / slug, root / "reference" / slug
    for existing in (folder, ref):
        if existing.exists():
            raise ScaffoldError(f"{existing} exists already; choose another slug")
    entry = slug.replace("-", "_")
    if entry[0].isdigit():
        entry = f"solve_{entry}"
    positions = [p.position for p in load_catalogue(root).problems]
    files = {
        folder / "problem.toml": PROBLEM_TOML.format(T=T, entry=entry, position=max(positions, default=0) + 1),
        folder / "statement.md": STATEMENT_MD.format(T=T, entry=entry),
        folder / "stub.py": STUB_PY.format(T=T, entry=entry),
        folder / "cases.toml": CASES_TOML.format(T=T),
        ref / "solution.py": SOLUTION_PY.format(T=T, entry=entry),
        ref / "pitfalls.toml": PITFALLS_TOML.format(T=T),
        ref / "pitfalls.py": PITFALLS_PY.format(T=T, slug=slug),
    }
    folder.mkdir(parents=True)
    ref.mkdir(parents=True)
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return list(files)


PROBLEM_TOML = '''\
format_version = 1
title = "{T}: a short title"
position = {position}                 # order in the track; unique across problems
difficulty = "easy"          # easy | medium | hard
entry_point = "{entry}"
summary = "{T}: one sentence for `grader list`."
time_limit = 10.0
hints = [
    "{T}: a first nudge.",
    "{T}: a more concrete second hint.",
]

# One table per argument, in call order. Scalars arrive as Python floats,
# arrays as float32 jax.Arrays. {T}: rename, add or remove arguments.
[[args]]
name = "x"
kind = "array"

[tolerance]
rtol = 1e-5
atol = 1e-6
'''

STATEMENT_MD = '''\
# {T}: title

{T}: say what `{entry}(x)` must return, with the shapes and dtypes of its
arguments and of its result.

## Example

{T}: the worked example of the visible case, with its output.
'''

STUB_PY = '''\
import jax
import jax.numpy as jnp


def {entry}(x):
    """{T}: the contract in a few lines (arguments, result, shapes).

    x is a float32 array.
    """
    raise NotImplementedError
'''

CASES_TOML = '''\
format_version = 1

# {T}: write the cases. Keep one visible worked example; make the hidden ones
# catch every pitfall in reference/<slug>/pitfalls.toml, with few distinct shapes.

[[cases]]
id = "worked-example"
visibility = "visible"
[cases.inputs]
x = [1.0, 2.0, 3.0]

[[cases]]
id = "random-input"
visibility = "hidden"
[cases.inputs]
x = {{ random = "normal", shape = [3], seed = 0 }}
'''

SOLUTION_PY = '''\
import jax
import jax.numpy as jnp


def {entry}(x):
    # {T}: the reference solution, deterministic and with the stub's signature.
    raise NotImplementedError
'''

PITFALLS_TOML = '''\
format_version = 1

# Known mistakes. A learner whose output matches one (and not the reference's)
# is told its message. Delete the example if the problem has no pitfall yet.

[[pitfalls]]
id = "example-mistake"
message = "{T}: Your output matches a known mistake: say which one and how to fix it."
function = "example_mistake"
'''

PITFALLS_PY = '''\
"""Known mistakes for {slug}, each with the entry point's signature."""

import jax
import jax.numpy as jnp


def example_mistake(x):
    # {T}: write the mistake as code, so validate can check a hidden case catches it.
    raise NotImplementedError
'''
