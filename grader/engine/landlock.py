"""Linux Landlock, through raw system calls: confine a process to an allow-list of paths.

Stdlib only: the worker applies this to itself after its own imports and before any learner
code runs. Once applied, a process (and everything it starts) can never widen the rules again.
"""

from __future__ import annotations

import ctypes
import os
import platform
import struct
from collections.abc import Iterable

from grader.engine._libc import load_libc

_SYS = {  # syscall numbers are the same on x86_64 and aarch64 for these three
    "create_ruleset": 444,
    "add_rule": 445,
    "restrict_self": 446,
}
_PR_SET_NO_NEW_PRIVS = 38
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

# filesystem rights (LANDLOCK_ACCESS_FS_*), one bit each in this order; the first thirteen came with
# ABI 1, then REFER with ABI 2, TRUNCATE with 3 and IOCTL_DEV with 5
FS = {
    name: 1 << bit
    for bit, name in enumerate(
        (
            "EXECUTE",
            "WRITE_FILE",
            "READ_FILE",
            "READ_DIR",
            "REMOVE_DIR",
            "REMOVE_FILE",
            "MAKE_CHAR",
            "MAKE_DIR",
            "MAKE_REG",
            "MAKE_SOCK",
            "MAKE_FIFO",
            "MAKE_BLOCK",
            "MAKE_SYM",
            "REFER",
            "TRUNCATE",
            "IOCTL_DEV",
        )
    )
}
# network rights (ABI 4) and scopes (ABI 6), each from bit 0
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1 << 0, 1 << 1

READ = FS["EXECUTE"] | FS["READ_FILE"] | FS["READ_DIR"]
_FILE_RIGHTS = FS["EXECUTE"] | FS["WRITE_FILE"] | FS["READ_FILE"] | FS["TRUNCATE"] | FS["IOCTL_DEV"]


class LandlockUnavailable(OSError):
    pass


def abi_version() -> int:
    """The kernel's Landlock ABI version, or 0 when Landlock is not available here."""
    if platform.system() != "Linux" or platform.machine() not in ("x86_64", "aarch64"):
        return 0
    libc = load_libc()
    libc.syscall.restype = ctypes.c_long
    version = libc.syscall(
        ctypes.c_long(_SYS["create_ruleset"]),
        None,
        ctypes.c_size_t(0),
        ctypes.c_uint32(_CREATE_RULESET_VERSION),
    )
    return max(int(version), 0)


def handled_fs(abi: int) -> int:
    rights = (1 << 13) - 1
    if abi >= 2:
        rights |= FS["REFER"]
    if abi >= 3:
        rights |= FS["TRUNCATE"]
    if abi >= 5:
        rights |= FS["IOCTL_DEV"]
    return rights


def confine(read_paths: Iterable[str], write_paths: Iterable[str], deny_tcp: bool = True) -> dict:
    """Allow reading beneath ``read_paths`` and reading and writing beneath ``write_paths``;
    everything else on the filesystem is refused, and (ABI 4+) so are TCP connect and bind,
    and (ABI 6+) signals and abstract sockets to processes outside the sandbox.
    Returns what was enforced. Raises LandlockUnavailable when the kernel has no Landlock."""
    abi = abi_version()
    if abi < 1:
        raise LandlockUnavailable("Landlock is not available on this kernel")
    fs = handled_fs(abi)
    net = (NET_BIND_TCP | NET_CONNECT_TCP) if (deny_tcp and abi >= 4) else 0
    scoped = (SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL) if abi >= 6 else 0
    libc = load_libc()
    libc.syscall.restype = ctypes.c_long
    attr = struct.pack("=QQQ", fs, net, scoped)
    size = 24 if abi >= 6 else 16 if abi >= 4 else 8
    buf = ctypes.create_string_buffer(attr[:size], size)
    ruleset = libc.syscall(
        ctypes.c_long(_SYS["create_ruleset"]), buf, ctypes.c_size_t(size), ctypes.c_uint32(0)
    )
    if ruleset < 0:
        raise LandlockUnavailable(f"landlock_create_ruleset failed: {os.strerror(ctypes.get_errno())}")
    try:
        for path in read_paths:
            _allow(libc, ruleset, path, READ & fs)
        for path in write_paths:
            _allow(libc, ruleset, path, fs & ~FS["REFER"] if abi >= 2 else fs)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            raise LandlockUnavailable(f"prctl(NO_NEW_PRIVS) failed: {os.strerror(ctypes.get_errno())}")
        if libc.syscall(ctypes.c_long(_SYS["restrict_self"]), ctypes.c_int(ruleset), ctypes.c_uint32(0)) != 0:
            raise LandlockUnavailable(f"landlock_restrict_self failed: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(ruleset)
    return {"abi": abi, "filesystem": True, "tcp": bool(net), "signals": bool(scoped)}


def _allow(libc: ctypes.CDLL, ruleset: int, path: str, rights: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a path that does not exist needs no rule
    try:
        if not os.path.isdir(path):
            rights &= _FILE_RIGHTS  # only file rights may be granted on a file
        rule = ctypes.create_string_buffer(struct.pack("=Qi", rights, fd), 12)
        if (
            libc.syscall(
                ctypes.c_long(_SYS["add_rule"]),
                ctypes.c_int(ruleset),
                ctypes.c_int(_RULE_PATH_BENEATH),
                rule,
                ctypes.c_uint32(0),
            )
            != 0
        ):
            raise LandlockUnavailable(f"landlock_add_rule({path}) failed: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(fd)
