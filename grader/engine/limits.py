"""The limits one run of learner (or trusted) code works under: time, memory, files, output."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    case_seconds: float = 10.0
    total_seconds: float = 120.0
    startup_seconds: float = 60.0
    max_output_bytes: int = 64 * 1024 * 1024  # returned arrays, all cases together
    max_stream_bytes: int = 20_000  # captured stdout and stderr, each
    address_space_bytes: int = 4 << 30  # JAX on the CPU runs in well under 1 GiB
    open_files: int = 512
    file_size_bytes: int = 64 << 20
    scratch_bytes: int = 256 << 20  # all a learner run may write (a tmpfs, with namespaces)

    def rlimits(self) -> dict:
        return {
            "cpu": int(self.total_seconds + self.startup_seconds) + 1,
            "as": self.address_space_bytes,
            "nofile": self.open_files,
            "fsize": self.file_size_bytes,
            "core": 0,
        }
