"""Kernel walls a learner worker puts around itself before any learner code loads.

- **Namespaces.** New user, PID, network and mount namespaces: the grader, the zygote and other
  learners' workers are not addressable (no pid of theirs exists in here), there is no network at
  all (UDP and Unix abstract sockets included), and the scratch folder is a size-capped tmpfs that
  vanishes with the run. The worker's first process in the new PID namespace is its init: when it
  ends, the kernel kills everything it left behind.
- **seccomp.** A filter, built with libseccomp (through the ``pyseccomp`` binding), that refuses
  acting on other processes (limits, priorities, affinities, I/O priorities, ptrace and
  cross-process memory), clone flags that leave the process tree or make new namespaces, and
  mounting.

Both are applied by the worker to itself (stdlib, ctypes and pyseccomp only). Each function
raises ``Unavailable`` with a reason when the kernel or the machine does not allow it; the worker
reports that, and the grader says so once (``grader doctor`` lists what is active).
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import shutil
import signal
import sys
from typing import Any

from grader.engine._libc import load_libc

CLONE_PARENT = 0x00008000
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
_NEW_NAMESPACES = (
    CLONE_NEWNS,
    CLONE_NEWCGROUP,
    CLONE_NEWUTS,
    CLONE_NEWIPC,
    CLONE_NEWUSER,
    CLONE_NEWPID,
    CLONE_NEWNET,
)
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_REC, _MS_PRIVATE = 2, 4, 8, 1 << 14, 1 << 18
_PRIO_PROCESS = 0
_IOPRIO_WHO_PROCESS = 1


class Unavailable(OSError):
    """This protection cannot be had here; the message says why."""


# ---------------------------------------------------------------- namespaces


def enter_namespaces(scratch: str, scratch_bytes: int) -> dict:
    """Move this process into new user, PID, network and mount namespaces, as the init of the
    new PID namespace, with ``scratch`` (its working folder) replaced by a tmpfs of at most
    ``scratch_bytes`` that starts with a copy of what the folder held.

    Returns in the new init only: the processes above it wait for it and end with its status.
    Raises Unavailable (before any fork) when the kernel refuses."""
    if platform.system() != "Linux":
        raise Unavailable("namespaces need Linux")
    libc = load_libc()
    uid, gid = os.getuid(), os.getgid()
    if len(os.listdir("/proc/self/task")) > 1:
        # unshare refuses a process with threads: do it in a child, which has only this thread
        _relay_through_child()
    flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS
    if libc.unshare(flags) != 0:
        raise Unavailable(
            f"unshare of user, PID, network and mount namespaces failed: {os.strerror(ctypes.get_errno())}"
        )
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"0 {uid} 1")
        _write("/proc/self/gid_map", f"0 {gid} 1")
    except OSError as exc:
        raise Unavailable(f"could not map the user into the new namespace: {exc}") from None
    keep = os.open(scratch, os.O_RDONLY | os.O_DIRECTORY)  # the folder as it is before the tmpfs
    _relay_through_child()  # from here on, this process is PID 1 of the new namespace
    _mount(libc, b"none", b"/", None, _MS_REC | _MS_PRIVATE, None, "making mounts private")
    _mount(libc, b"proc", b"/proc", b"proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC, None, "mounting /proc")
    options = f"size={max(1 << 20, int(scratch_bytes))},mode=0700,uid=0,gid=0".encode()
    _mount(
        libc,
        b"tmpfs",
        scratch.encode(),
        b"tmpfs",
        _MS_NOSUID | _MS_NODEV,
        options,
        "mounting the scratch tmpfs",
    )
    try:
        shutil.copytree(f"/proc/self/fd/{keep}", scratch, symlinks=True, dirs_exist_ok=True)
    finally:
        os.close(keep)
    os.chdir(scratch)
    return {"namespaces": True, "scratch_limit_mb": int(scratch_bytes) >> 20}


def _write(path: str, text: str) -> None:
    with open(path, "w") as fh:
        fh.write(text)


def _mount(
    libc: ctypes.CDLL,
    source: bytes | None,
    target: bytes,
    fstype: bytes | None,
    flags: int,
    data: bytes | None,
    what: str,
) -> None:
    if libc.mount(source, target, fstype, ctypes.c_ulong(flags), data) != 0:
        # past the fork, a failure cannot fall back to the ordinary way: end the worker
        print(f"grader isolation: {what} failed: {os.strerror(ctypes.get_errno())}", file=sys.stderr)
        os._exit(70)


def _relay_through_child() -> None:
    """Fork; the parent waits for the child and ends as it ended, so that whoever waits for
    this process sees the child's exit status. Returns in the child only."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        return
    for fd in range(3, 1024):  # keep no end of the result channel open: only the child writes
        if fd != sys.stdin.fileno():
            try:
                os.close(fd)
            except OSError:
                pass
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
        except ChildProcessError:
            os._exit(70)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            if sig not in (signal.SIGKILL, signal.SIGSTOP):  # their action cannot be changed
                signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        except (OSError, ValueError):
            pass
        os._exit(128 + sig)
    os._exit(os.waitstatus_to_exitcode(status))


def namespaces_available() -> str:
    """ "" when a child of this process can enter new namespaces, else why not (for doctor)."""
    if platform.system() != "Linux":
        return "needs Linux"
    pid = os.fork()
    if pid == 0:
        code = 0 if load_libc().unshare(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS) == 0 else 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return (
        "" if os.waitstatus_to_exitcode(status) == 0 else "this kernel refuses unprivileged user namespaces"
    )


# ---------------------------------------------------------------- seccomp

# syscalls refused outright (each with EPERM): other processes' memory, new namespaces, mounts,
# and a few kernel interfaces no solution needs
_REFUSED = (
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "pidfd_getfd",
    "kcmp",
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "move_mount",
    "open_tree",
    "fsopen",
    "fsmount",
    "fsconfig",
    "fspick",
    "mount_setattr",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "keyctl",
    "add_key",
    "request_key",
    "kexec_load",
    "init_module",
    "finit_module",
    "delete_module",
    "reboot",
    "swapon",
    "swapoff",
    "acct",
    "quotactl",
)
# syscalls allowed on the calling process only: their first argument is a pid, 0 meaning "me"
_SELF_ONLY = (
    "prlimit64",
    "sched_setaffinity",
    "sched_setparam",
    "sched_setscheduler",
    "sched_setattr",
    "migrate_pages",
    "move_pages",
)


def seccomp_available() -> str:
    """ "" when a filter can be built here, else why not (for doctor)."""
    if platform.system() != "Linux" or not os.path.exists("/proc/sys/kernel/seccomp/actions_avail"):
        return "this kernel has no seccomp filters"
    try:
        import pyseccomp  # noqa: F401
    except (ImportError, RuntimeError, OSError) as exc:
        return f"libseccomp could not be loaded ({exc})"
    return ""


def install_seccomp() -> dict:
    """Load the filter on every thread of this process (and all it starts). Needs no_new_privs
    (Landlock sets it) or the filter sets it itself. Raises Unavailable."""
    if platform.system() != "Linux":
        raise Unavailable("seccomp needs Linux")
    try:
        import pyseccomp as sc
    except (ImportError, RuntimeError, OSError) as exc:  # no binding, or no libseccomp.so
        raise Unavailable(f"libseccomp could not be loaded ({exc})") from None
    try:
        flt = sc.SyscallFilter(sc.ALLOW)
        flt.set_attr(sc.Attr.CTL_TSYNC, 1)  # JAX's threads already run: filter them too
        deny = sc.ERRNO(errno.EPERM)
        for name in _REFUSED:
            _rule(sc, flt, deny, name)
        for name in _SELF_ONLY:
            _rule(sc, flt, deny, name, sc.Arg(0, sc.NE, 0))
        _rule(sc, flt, deny, "setpriority", sc.Arg(0, sc.NE, _PRIO_PROCESS))
        _rule(sc, flt, deny, "setpriority", sc.Arg(1, sc.NE, 0))
        _rule(sc, flt, deny, "ioprio_set", sc.Arg(0, sc.NE, _IOPRIO_WHO_PROCESS))
        _rule(sc, flt, deny, "ioprio_set", sc.Arg(1, sc.NE, 0))
        for flag in (CLONE_PARENT, *_NEW_NAMESPACES):
            _rule(sc, flt, deny, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
        # clone3 passes its flags in memory a filter cannot read: refuse it as unknown, and
        # the C library falls back to clone, whose flags are checked above
        _rule(sc, flt, sc.ERRNO(errno.ENOSYS), "clone3")
        flt.load()
    except Unavailable:
        raise
    except Exception as exc:  # libseccomp reports failures as OSError/RuntimeError/ValueError
        raise Unavailable(f"the seccomp filter could not be loaded ({exc})") from None
    return {"seccomp": True}


def _rule(sc: Any, flt: Any, action: Any, name: str, *args: Any) -> None:  # sc: the pyseccomp module
    try:
        sc.resolve_syscall(sc.system_arch(), name)
    except Exception:
        return  # not a syscall on this architecture (or this libseccomp does not know it)
    flt.add_rule(action, name, *args)
