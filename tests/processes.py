"""Helpers for tests about processes that learner code leaves behind."""

from __future__ import annotations

import os
from pathlib import Path

MARKER = "grader-hostile-marker-7f3a"  # hostile fixtures put it in the command line of what they start


def leftovers() -> list[str]:
    """Processes of finished runs: the marker of our hostile children, or any process whose
    HOME is a grader scratch folder that no longer exists (its run is over)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        home = next((e[5:].decode(errors="replace") for e in env if e.startswith(b"HOME=")), "")
        stale = "grader-run-" in home and not os.path.isdir(home)
        if MARKER in cmd or stale:
            found.append(f"{pid}: {cmd[:120]} (HOME={home})")
    return found


def daemon_pids(cache: Path) -> list[int]:
    """The check daemons serving checks with this cache folder (their folder is their argument)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = Path(f"/proc/{entry.name}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "grader.engine.daemon" in line and str(cache / "daemon") in line:
                found.append(int(entry.name))
    return found
