"""The running grader as a wheel, for a learner distribution to install with pip.

The wheel holds the files of the ``grader`` package that is running (an editable checkout or an
installed wheel alike) and the distribution's own metadata, without its extras. Its bytes
depend only on those files: every entry has the same date, so two exports of one grader match.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from importlib import metadata
from pathlib import Path

DISTRIBUTION = "jax-flax-grader"
_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class WheelError(Exception):
    """The running grader cannot be packed (it was never installed, so it has no metadata)."""


def _distribution() -> metadata.Distribution:
    try:
        return metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise WheelError(
            f"the {DISTRIBUTION} distribution is not installed here, so the grader cannot "
            "be packed for learners; install it first (pip install -e . in its source)"
        ) from None


def wheel_name() -> str:
    """File name of the wheel ``build_wheel`` writes, like ``jax_flax_grader-0.1.0-py3-none-any.whl``."""
    dist = _distribution()
    return f"{_normal(dist.metadata['Name'])}-{dist.version}-py3-none-any.whl"


def runtime_requirements() -> list[str]:
    """The distribution's requirements without extras, as written in its metadata."""
    return [r for r in (_distribution().requires or []) if not re.search(r"\bextra\s*==", r)]


def pinned_requirements() -> list[str]:
    """Each runtime requirement pinned to the version installed here (its marker kept); one that
    is not installed here (another platform's) stays as declared."""
    pinned = []
    for requirement in runtime_requirements():
        found = _NAME.match(requirement)
        _, semicolon, marker = requirement.partition(";")
        if found is None:  # not a name first: nothing to pin
            pinned.append(requirement.strip())
            continue
        name = found.group(1)
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            pinned.append(requirement.strip())
            continue
        pinned.append(f"{name}=={version}" + (f"; {marker.strip()}" if semicolon else ""))
    return pinned


def build_wheel(folder: Path) -> Path:
    """Write the running grader's wheel into ``folder``; returns its path. Raises WheelError."""
    dist = _distribution()
    normal, version = _normal(dist.metadata["Name"]), dist.version
    info = f"{normal}-{version}.dist-info"
    package = Path(__file__).resolve().parents[1]  # the grader package this module is part of
    entries: list[tuple[str, bytes]] = []
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if (
            path.is_file()
            and "__pycache__" not in relative.parts
            and path.suffix not in (".pyc", ".pyo")
            and not any(part.startswith(".") for part in relative.parts)
        ):
            entries.append((f"{package.name}/{relative.as_posix()}", path.read_bytes()))
    entries.append((f"{info}/METADATA", _metadata_text(dist).encode()))
    entries.append(
        (
            f"{info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: grader export\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
    )
    scripts = [e for e in dist.entry_points if e.group == "console_scripts"]
    if scripts:
        text = "[console_scripts]\n" + "".join(f"{e.name} = {e.value}\n" for e in scripts)
        entries.append((f"{info}/entry_points.txt", text.encode()))
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in entries)
    entries.append((f"{info}/RECORD", (record + f"{info}/RECORD,,\n").encode()))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{normal}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in entries:
            entry = zipfile.ZipInfo(name, _DATE)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(entry, data)
    return target


def _metadata_text(dist: metadata.Distribution) -> str:
    fields = dist.metadata
    lines = ["Metadata-Version: 2.1", f"Name: {fields['Name']}", f"Version: {dist.version}"]
    for key in ("Summary", "Requires-Python"):
        value = fields[key]  # None when the metadata has no such field
        if value:
            lines.append(f"{key}: {value}")
    lines += [f"Requires-Dist: {r}" for r in runtime_requirements()]
    return "\n".join(lines) + "\n"


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
