"""Rebuild a module from a live function: its source, the notebook functions and classes it uses
(in an order where each comes after what it needs), its imports and its simple constants."""

from __future__ import annotations

import ast
import builtins
import importlib.util
import inspect
import sys
import textwrap
from dataclasses import dataclass, field


class SourceUnavailable(Exception):
    """The function (or something it needs) cannot be written out as source."""


@dataclass
class RebuiltModule:
    source: str
    definitions: list[str] = field(default_factory=list)  # names whose source was copied
    skipped: list[str] = field(default_factory=list)  # globals that could not be written out


def rebuild_module(function, entry_point: str) -> RebuiltModule:
    """A module's source in which ``entry_point`` is ``function``, with what it depends on."""
    target = inspect.unwrap(function)
    if not inspect.isfunction(target):
        raise SourceUnavailable(f"{function!r} is not a Python function")
    if target.__name__ == "<lambda>":
        raise SourceUnavailable("a lambda has no source of its own: define the function with def")
    if target.__closure__:
        names = ", ".join(target.__code__.co_freevars)
        raise SourceUnavailable(
            f"{target.__name__} uses variables of an enclosing function ({names}); "
            f"define it at the top level of a cell"
        )
    collector = _Collector(target.__globals__)
    collector.visit(target.__name__, target)
    parts = ["# Rebuilt by grader.check from the source of your notebook's definitions.", ""]
    parts += collector.imports + [""] + collector.constants + [""] + collector.definitions
    if target.__name__ != entry_point:
        parts.append(f"{entry_point} = {target.__name__}\n")
    return RebuiltModule(source="\n".join(parts), definitions=collector.names, skipped=collector.skipped)


class _Collector:
    def __init__(self, namespace: dict):
        self.ns = namespace
        self.module = namespace.get("__name__", "__main__")
        self.seen: set[str] = set()
        self.imports: list[str] = []
        self.constants: list[str] = []
        self.definitions: list[str] = []
        self.names: list[str] = []
        self.skipped: list[str] = []

    def visit(self, name: str, obj) -> None:
        """Write out ``obj`` after everything its source refers to (depth first)."""
        self.seen.add(name)
        source = source_of(obj, name)
        for used in _names_used(source):
            self.need(used)
        self.definitions.append(source)
        self.names.append(name)

    def need(self, name: str) -> None:
        if name in self.seen or name not in self.ns:
            return  # a local, a builtin, or written already
        self.seen.add(name)
        obj = self.ns[name]
        if inspect.ismodule(obj):
            real = obj.__name__
            self.imports.append(f"import {real}" if real == name else f"import {real} as {name}")
            return
        plain = inspect.unwrap(obj) if callable(obj) else obj
        home = getattr(plain, "__module__", None)
        if (inspect.isfunction(plain) or inspect.isclass(plain)) and home == self.module:
            self.visit(name, obj)
            return
        qualname = getattr(plain, "__qualname__", None)
        if (
            home
            and qualname
            and "." not in qualname
            and _importable(home)
            and getattr(sys.modules.get(home), qualname, None) is plain
        ):
            alias = "" if qualname == name else f" as {name}"
            self.imports.append(f"from {home} import {qualname}{alias}")
            return
        if _is_literal(obj):
            self.constants.append(f"{name} = {obj!r}")
            return
        if getattr(builtins, name, None) is obj:
            return
        self.skipped.append(name)


def source_of(obj, name: str) -> str:
    """The source of a function or class: from its file, else from the IPython cells run so far."""
    try:
        return textwrap.dedent(inspect.getsource(obj))
    except (OSError, TypeError):
        pass
    for cell in reversed(_ipython_cells()):
        found = _definition_in(cell, name)
        if found:
            return found
    raise SourceUnavailable(f"cannot find the source of {name}")


def _ipython_cells() -> list[str]:
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return []
    cells = []
    for raw in shell.user_ns.get("In", []) or []:
        try:
            cells.append(shell.transform_cell(raw))  # %magics become Python
        except Exception:
            cells.append(raw)
    return cells


def _definition_in(cell: str, name: str) -> str | None:
    try:
        tree = ast.parse(cell)
    except SyntaxError:
        return None
    lines = cell.splitlines()
    for node in reversed(tree.body):  # the last definition in a cell wins, as when it ran
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            return "\n".join(lines[first - 1 : node.end_lineno]) + "\n"
    return None


def _names_used(source: str) -> list[str]:
    """Every plain name read in ``source``, in order of first use."""
    out: dict[str, None] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            out.setdefault(node.id)
    return list(out)


def _importable(module: str) -> bool:
    if module == "__main__":
        return False
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _is_literal(value) -> bool:
    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
