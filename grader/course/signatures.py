"""Read function signatures from source text with ``ast``: code is parsed here, never imported."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Signature:
    """The parameters of a top-level ``def``; ``params`` is None for a name bound some other way."""

    params: tuple[str, ...] | None
    extras: tuple[str, ...] = ()  # *args, keyword-only parameters, **kwargs


class SourceError(Exception):
    """The file cannot be read or parsed."""


def top_level_functions(path: Path) -> dict[str, Signature]:
    """Every name a module defines at its top level that could be called: defs, and assignments."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except FileNotFoundError:
        raise SourceError("file is missing") from None
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"is not valid Python: {exc}") from None
    found: dict[str, Signature] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = _signature(node.args)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, Signature(None))
    return found


def _signature(args: ast.arguments) -> Signature:
    params = tuple(a.arg for a in (*args.posonlyargs, *args.args))
    extras = []
    if args.vararg:
        extras.append(f"*{args.vararg.arg}")
    extras += [a.arg for a in args.kwonlyargs]
    if args.kwarg:
        extras.append(f"**{args.kwarg.arg}")
    return Signature(params, tuple(extras))


def mismatch(sig: Signature, wanted: tuple[str, ...]) -> str | None:
    """Why ``sig`` does not take exactly the arguments ``wanted``, in order; None when it does."""
    if sig.params is None:
        return None  # bound by assignment: only a run can tell
    if sig.params == wanted and not sig.extras:
        return None
    shown = ", ".join((*sig.params, *sig.extras))
    return f"takes ({shown}) but problem.toml [[args]] lists ({', '.join(wanted)})"
