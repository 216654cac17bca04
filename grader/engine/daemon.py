"""A zygote that outlives one command, so the next ``grader check`` skips Python's start and
the JAX and Flax imports.

The first check at a terminal starts it; it forks the workers of every later check and ends
itself after ``IDLE_SECONDS`` without use ($GRADER_DAEMON_IDLE_SECONDS changes that).
``GRADER_DAEMON=1`` uses it anywhere, ``=0`` never; by default only interactive checks outside CI
do. It listens on a socket in a private folder of the grader's cache (one folder per interpreter,
platform and grader source, so a changed grader gets a new daemon, which asks the one it replaces
to end). A connection counts only after presenting the token stored beside the socket: the daemon
keeps only its SHA-256, and learner code cannot read the cache folder (Landlock keeps it to the
runtime, its own file and its scratch folder). Workers it forks are the same fresh, confined
workers as any other; it runs nothing itself.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from grader.engine import cache, sandbox
from grader.engine.limits import Limits
from grader.engine.pool import WorkerPool
from grader.engine.runner import PACKAGE_PARENT, RunOptions, child_env, free_cores
from grader.engine.zygote import ForkServer, Zygote, ZygoteError

IDLE_SECONDS = 900.0
_MAX_SOCKET_PATH = 108  # sun_path, with its terminating NUL, on Linux
_FALSE, _TRUE = ("0", "no", "off", "false"), ("1", "yes", "on", "true")
_BOOT = (
    "import sys; sys.path.insert(0, {path!r}); import grader.engine.daemon as d; "
    "sys.path.remove({path!r}); d.serve_daemon(sys.argv[1])"
)


def enabled(interactive: bool) -> bool:
    """Whether checks use the daemon: $GRADER_DAEMON, else at a terminal outside CI."""
    value = os.environ.get("GRADER_DAEMON", "").strip().lower()
    if value in _FALSE:
        return False
    if value in _TRUE:
        return True
    return interactive and not os.environ.get("CI")


def idle_seconds() -> float:
    try:
        return max(0.1, float(os.environ.get("GRADER_DAEMON_IDLE_SECONDS", IDLE_SECONDS)))
    except ValueError:
        return IDLE_SECONDS


def folder_for(options: RunOptions) -> Path:
    """The daemon's folder for workers of this kind, run by this grader's code:
    ``<kind>-<code>``, where the kind is what the workers run on and the code every module of the
    package with the versions of the stack it imports."""
    kind = hashlib.sha256()
    for part in (options.python, options.platform, repr(options.extra_env), PACKAGE_PARENT):
        kind.update(part.encode() + b"\0")
    code = hashlib.sha256()
    # a daemon has JAX and Flax imported: upgrading them in this environment needs a new one
    code.update(json.dumps(cache.stack_versions(), sort_keys=True).encode() + b"\0")
    # every module of the package, subpackages included: any change of code starts a new daemon
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        code.update(str(source.relative_to(package)).encode() + b"\0" + source.read_bytes())
    return cache.cache_dir() / "daemon" / f"{kind.hexdigest()[:8]}-{code.hexdigest()[:12]}"


def retire_stale(folder: Path) -> list[Path]:
    """Ask the daemons of the same kind as ``folder``'s but of other code (an earlier version of
    the grader or of the stack, in the same environment) to end: nothing will use them again.
    Returns the folders of those that were listening."""
    kind = folder.name.split("-", 1)[0]
    stale = sorted(p for p in folder.parent.glob(f"{kind}-*") if p != folder and p.is_dir())
    return [p for p in stale if stop(p)]


# ---------------------------------------------------------------- the daemon process


def serve_daemon(folder: str) -> None:
    from grader.engine import worker

    os.umask(0o077)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    path = os.path.join(folder, "sock")
    token_hash = hashlib.sha256(Path(folder, "token").read_text().encode()).hexdigest()
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    listener.bind(path)
    listener.listen(16)
    bound = os.stat(path).st_ino
    try:
        worker.preload()  # connections wait in the backlog meanwhile
        sandbox.adopt_orphans()  # what a learner's worker leaves behind comes here, to be killed
        ForkServer(listener, token_hash, idle_seconds()).run()
    finally:
        try:
            if os.stat(path).st_ino == bound:  # not a successor's socket
                os.unlink(path)
        except OSError:
            pass


# ---------------------------------------------------------------- in the grader


@contextmanager
def warm_run(run: RunOptions, interactive: bool) -> Iterator[RunOptions]:
    """``run`` with its workers forked by the daemon and its cases spread over the free cores,
    when checks use the daemon here (``enabled``); else ``run`` as it is. A ``run`` that brings
    its own pool keeps it."""
    if run.workers is not None or not enabled(interactive):
        yield run
        return
    with pool() as forked:
        # forked workers start in milliseconds: two may share the cases where two cores are ours
        yield replace(run, workers=forked, spread=free_cores())


def pool() -> WorkerPool:
    """A pool whose workers the daemon forks (started if it is not running); a worker started
    the ordinary way when the daemon cannot be reached."""
    return WorkerPool(opener=lambda options: connect(folder_for(options), options))


def connect(folder: Path, options: RunOptions, start: bool = True) -> Zygote:
    """A connection to the daemon in ``folder``, starting the daemon first if need be."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    with _locked(folder):
        try:
            return _dial(folder)
        except (OSError, ZygoteError, ValueError):
            if not start:
                raise
        if len(os.fsencode(folder / "sock")) >= _MAX_SOCKET_PATH:
            raise ZygoteError(f"the cache folder's path is too long for a socket: {folder}")
        proc = _start(folder, options)
        deadline = time.monotonic() + Limits().startup_seconds
        while True:
            try:
                zygote = _dial(folder)
                break
            except (OSError, ZygoteError, ValueError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise ZygoteError("the daemon did not start") from None
                time.sleep(0.02)
    retire_stale(folder)  # a new daemon of this kind: the code of the others has changed
    return zygote


def stop(folder: Path) -> bool:
    """Ask the daemon in ``folder`` to end; returns whether one was listening."""
    try:
        zygote = _dial(folder)
    except (OSError, ZygoteError, ValueError):
        return False
    try:
        zygote.control.send(json.dumps({"stop": True}).encode())
    finally:
        zygote.close()
    return True


def _dial(folder: Path) -> Zygote:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        conn.settimeout(Limits().startup_seconds)
        conn.connect(str(folder / "sock"))
        conn.send(json.dumps({"token": (folder / "token").read_text()}).encode())
        answer = conn.recv(1 << 12)
        if not answer or not json.loads(answer).get("welcome"):
            raise ZygoteError("the daemon did not accept the token")
        conn.settimeout(None)
    except BaseException:
        conn.close()
        raise
    return Zygote(conn)


def _start(folder: Path, options: RunOptions) -> subprocess.Popen:
    token = folder / "token"
    fd = os.open(token.with_suffix(".new"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
    os.replace(token.with_suffix(".new"), token)
    # a session of its own, outliving this command; registered, so never taken for a stray
    with sandbox.starting_worker():
        proc = subprocess.Popen(
            [options.python, "-I", "-c", _BOOT.format(path=PACKAGE_PARENT), str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=folder,
            env=child_env(str(folder), options),
            start_new_session=True,
        )
        sandbox.register_worker(proc.pid)
    return proc


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
