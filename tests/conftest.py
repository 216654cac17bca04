"""The test session's own fixtures: reference outputs and daemons in a cache private to this run.
Helpers shared by the tests live in helpers.py and processes.py, not here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import stop_daemons


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory):
    # reference outputs are cached per test session, never in the user's cache
    os.environ["GRADER_CACHE_DIR"] = str(tmp_path_factory.mktemp("grader-cache"))
    os.environ.pop("GRADER_ROOT", None)
    os.environ.pop("GRADER_WORKSPACE", None)
    os.environ.pop("GRADER_DAEMON", None)  # the default, which tests that want the daemon override
    yield
    stop_daemons(Path(os.environ["GRADER_CACHE_DIR"]))
