"""The grader's wheel as the export packs it: what pip reads from it, and the same bytes each time."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from importlib import metadata
from pathlib import Path

from grader.authoring.learner_repo import requirements_text
from grader.authoring.wheel import build_wheel, pinned_requirements, wheel_name

PACKAGE = Path(__file__).resolve().parents[2] / "grader"


def test_two_builds_give_the_same_bytes(tmp_path):
    first, second = build_wheel(tmp_path / "a"), build_wheel(tmp_path / "b")
    assert first.name == second.name == wheel_name()
    assert first.read_bytes() == second.read_bytes()


def test_record_lists_every_file_with_its_hash(tmp_path):
    with zipfile.ZipFile(build_wheel(tmp_path)) as wheel:
        names = wheel.namelist()
        info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/RECORD"))
        rows = [line.split(",") for line in wheel.read(f"{info}/RECORD").decode().splitlines()]
        assert sorted(r[0] for r in rows) == sorted(names)
        for name, digest, size in rows:
            if name.endswith("RECORD"):
                assert digest == size == ""
                continue
            data = wheel.read(name)
            assert (
                digest
                == "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            )
            assert int(size) == len(data)
        assert "Root-Is-Purelib: true" in wheel.read(f"{info}/WHEEL").decode()
    modules = {
        f"grader/{p.relative_to(PACKAGE).as_posix()}"
        for p in PACKAGE.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules <= set(names)
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_requirements_pin_what_is_installed_here():
    pins = pinned_requirements()
    assert f"jax=={metadata.version('jax')}" in pins and f"flax=={metadata.version('flax')}" in pins
    assert not [p for p in pins if "pytest" in p or "extra" in p]  # the test extra stays out
    text = requirements_text("./vendor/x.whl")
    assert text.splitlines()[2:] == ["./vendor/x.whl", *pins]
