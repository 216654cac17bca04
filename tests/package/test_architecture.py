"""The shape of the package holds. The layer rule of grader/__init__.py: import-linter's contracts
in pyproject.toml pass on the package, and break when a forbidden import or an import cycle is added
to a copy of it. One home per idea: no function written twice, each shared CLI option declared once."""

from __future__ import annotations

import ast
import collections
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import grader

REPO = Path(__file__).resolve().parents[2]
_LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the package in ``folder``, with the venv's Python and no cache written."""
    # run from the folder, so that its grader/ is the one analysed
    return subprocess.run(
        [sys.executable, "-c", _LINT, "--no-cache"], cwd=folder, capture_output=True, text=True, timeout=120
    )


def contracts() -> list[dict]:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_the_package_keeps_every_contract():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_every_subpackage_and_module_of_grader_is_in_a_layer():
    (layers,) = [c["layers"] for c in contracts() if c["type"] == "layers"]
    children = {m.name for m in pkgutil.iter_modules(grader.__path__)} - {"__main__"}
    assert children == set(layers)


BREAKS = [
    # (file of the copy, line added, contract that must break, what the report must name)
    (
        "engine/cache.py",
        "from grader.grading import trusted\n",
        "Layers",
        "grader.engine is not allowed to import grader.grading",
    ),
    (
        "course/schema.py",
        "from grader.cli import common\n",
        "Layers",
        "grader.course is not allowed to import grader.cli",
    ),
    (
        "reporters/json_report.py",
        "from grader.engine.runner import run_targets\n",
        "Reporters only read results",
        "grader.reporters is not allowed to import grader.engine.runner",
    ),
    # an import only for the type checker is an import all the same
    (
        "engine/limits.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from grader.engine.runner import RunOptions\n",
        "No import cycle",
        ".limits -> .runner",
    ),
]


@pytest.mark.parametrize(("path", "line", "contract", "named"), BREAKS, ids=[b[0] for b in BREAKS])
def test_a_forbidden_import_breaks_its_contract(tmp_path, path, line, contract, named):
    shutil.copytree(REPO / "grader", tmp_path / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with open(tmp_path / "grader" / path, "a") as f:
        f.write("\n" + line)
    result = lint_imports(tmp_path)
    out = " ".join(result.stdout.split())  # the report wraps long lines
    assert result.returncode == 1, out + result.stderr
    broken = out.split("Broken contracts", 1)[1]  # the report of each broken contract
    assert contract in broken and named in broken


def _function_bodies() -> dict[str, list[str]]:
    """Each function's parameters and body (docstring left out) as an AST dump, with where it is defined."""
    found = collections.defaultdict(list)
    for path in sorted((REPO / "grader").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = node.body[1:] if ast.get_docstring(node) is not None else node.body
                if [ast.unparse(statement) for statement in body] in (["return self"], ["pass"], ["..."], []):
                    continue  # too small to share (__enter__ and the like), or a Protocol's stub
                key = ast.dump(node.args) + ast.dump(ast.Module(body=body, type_ignores=[]))
                found[key].append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    return found


def test_no_function_is_written_twice():
    assert [places for places in _function_bodies().values() if len(places) > 1] == []


def test_each_shared_cli_option_is_declared_once():
    import typer.main

    from grader.cli.app import app

    declared: dict[str, set] = collections.defaultdict(set)
    takers: dict[str, set] = collections.defaultdict(set)
    for name, command in typer.main.get_command(app).commands.items():
        for param in command.params:
            for flag in getattr(param, "opts", ()):
                declared[flag].add((param.help, repr(param.default), param.metavar))
                takers[flag].add(name)
    assert takers["--platform"] == {"check", "watch", "grade", "validate", "export"}
    for flag in ("--platform", "--time-limit", "--max-file-bytes"):
        assert len(takers[flag]) > 1 and len(declared[flag]) == 1, (flag, declared[flag])


def test_every_module_opens_with_a_docstring_saying_what_it_owns():
    bare = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "grader").rglob("*.py"))
        if "course_files" not in path.parts  # templates copied into new courses, not modules
        and len((ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").split()) < 4
    ]
    assert bare == []
