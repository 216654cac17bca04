"""The README's layout section names every subpackage of grader/ and only folders that exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def layout_block() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```", 2)[1]


def test_every_subpackage_is_in_the_layout():
    block = layout_block()
    packages = sorted(p.parent.name for p in (REPO / "grader").glob("*/__init__.py"))
    assert packages, "no subpackage found"
    missing = [name for name in packages if not re.search(rf"^\s+{name}/", block, re.MULTILINE)]
    assert missing == []


def test_every_folder_in_the_layout_exists():
    block = layout_block()
    top = re.findall(r"^([a-z][\w/]*?)/(?:<slug>/)?\s", block, re.MULTILINE)
    nested = re.findall(r"^\s+([a-z_]+)/\s", block, re.MULTILINE)
    assert {"problems", "reference", "grader", "tests", "bench", "docs/ci"} <= set(top)
    assert [name for name in top if not (REPO / name).is_dir()] == []
    assert [name for name in nested if not (REPO / "grader" / name / "__init__.py").is_file()] == []
