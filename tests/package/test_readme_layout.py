"""The README's layout section names every subpackage of grader/ and every test folder, and only
folders that exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FOLDER = re.compile(r"^( *)([a-z][\w/]*?)/(?:<slug>/)?(?:\s|$)")


def layout() -> list[tuple[str, str]]:
    """(parent, folder) for each folder the layout block names; the parent of a top folder is ''."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```", 2)[1]
    found, parent = [], ""
    for line in block.splitlines():
        match = FOLDER.match(line)
        if not match:
            continue
        indent, name = match.groups()
        if not indent:
            parent = name
            found.append(("", name))
        else:
            found.append((parent, name))
    return found


def test_every_subpackage_and_test_folder_is_in_the_layout():
    named = set(layout())
    packages = sorted(p.parent.name for p in (REPO / "grader").glob("*/__init__.py"))
    test_folders = sorted(
        p.name for p in (REPO / "tests").iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )
    assert packages and test_folders
    assert [name for name in packages if ("grader", name) not in named] == []
    assert [name for name in test_folders if ("tests", name) not in named] == []


def test_every_folder_in_the_layout_exists():
    entries = layout()
    top = [name for parent, name in entries if not parent]
    assert {"problems", "reference", "grader", "tests", "bench", "docs/ci"} <= set(top)
    assert [name for name in top if not (REPO / name).is_dir()] == []
    nested = [(parent, name) for parent, name in entries if parent]
    assert {p for p, _ in nested} == {"grader", "tests"}
    assert [f"{p}/{n}" for p, n in nested if not (REPO / p / n).is_dir()] == []
    # a subpackage of grader/ is a package, not just a folder
    assert [n for p, n in nested if p == "grader" and not (REPO / p / n / "__init__.py").is_file()] == []


def test_every_layer_has_its_unit_tests():
    layers = sorted(p.parent.name for p in (REPO / "grader").glob("*/__init__.py") if p.parent.name != "cli")
    unit = REPO / "tests" / "unit"
    assert [name for name in layers if not list((unit / name).glob("test_*.py"))] == []
