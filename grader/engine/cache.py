"""Where the grader keeps what it computed for later runs, and the versions that invalidate it.

The engine owns the location (the daemon's socket folder lives there too); the grading layer
keys its expected outputs on ``stack_versions``.
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path


def cache_dir() -> Path:
    """$GRADER_CACHE_DIR, else the user's cache folder (XDG) / jax-flax-grader."""
    env = os.environ.get("GRADER_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "jax-flax-grader"


def stack_versions() -> dict[str, str | None]:
    """The interpreter, machine and numeric stack versions: outputs computed under others are stale."""
    out: dict[str, str | None] = {"python": sys.version, "machine": platform.machine()}
    for dist in ("jax", "jaxlib", "flax", "numpy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out
