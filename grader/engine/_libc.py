"""The C library through ctypes, errno kept: for the system calls Python has no function for."""

from __future__ import annotations

import ctypes


def load_libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)
