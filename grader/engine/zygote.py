"""Workers forked from a process that has imported JAX and Flax and done nothing else.

Starting Python and importing JAX and Flax costs about a second; forking a process that has
already done so costs a few milliseconds. The zygote imports them, never creates an array (JAX's
backend must not start before a fork: a child forked after it hangs), and forks one worker per
request. Each worker starts a new session, takes the pipes the grader sent it as its standard
streams and result channel, closes every other descriptor (the zygote's control socket among
them, so learner code cannot ask for more processes), and then is an ordinary worker: limits,
JAX's backend, the sandbox, the request. Nothing of anyone's runs in the zygote itself, so two
learners' code never share a process.

The grader talks to the zygote over a socket pair: a fork request carries the worker's folder and
environment, with its four descriptors attached; the zygote answers with the worker's pid, and
later with its exit status (the worker is the zygote's child, not the grader's).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from typing import IO

from grader.engine import sandbox

_MAX_MESSAGE = 1 << 16


class ZygoteError(Exception):
    """The zygote is gone or did not answer: start the worker the ordinary way."""


# ---------------------------------------------------------------- inside the zygote


def serve(control_fd: int) -> None:
    """The zygote of one grader process: serves its control socket until the grader closes it."""
    from grader.engine import worker

    worker.preload()
    # a subreaper: what a worker's descendants leave behind comes back here and is killed when
    # the worker ends (with namespaces, the end of the worker's PID namespace already did)
    sandbox.adopt_orphans()
    server = ForkServer()
    server.add(socket.socket(fileno=control_fd), trusted=True)
    server.run()


class ForkServer:
    """Forks a worker per request and reports each worker's exit to whoever asked for it.

    Connections arrive ready (the grader's own socket pair) or through ``listener`` (a daemon,
    grader/engine/daemon.py), where the first message must carry the token whose SHA-256 is
    ``token_hash``; anything else closes the connection."""

    def __init__(self, listener: socket.socket | None = None, token_hash: str = "", idle_seconds: float = 0):
        self.sel = selectors.DefaultSelector()
        self.listener, self.token_hash, self.idle_seconds = listener, token_hash, idle_seconds
        self.trusted: set = set()
        self.owner: dict[int, socket.socket] = {}  # worker pid -> the connection that asked for it
        self.stopped = False
        if listener is not None:
            self.sel.register(listener, selectors.EVENT_READ, "listen")

    def add(self, conn: socket.socket, trusted: bool) -> None:
        self.sel.register(conn, selectors.EVENT_READ, "conn")
        if trusted:
            self.trusted.add(conn)

    def run(self) -> None:
        while not self.stopped:
            idle = self.listener is not None and not self.owner and not self.trusted
            events = self.sel.select(self.idle_seconds if idle and self.idle_seconds else None)
            if not events and idle:
                return  # nobody used the daemon for a while
            for key, _ in events:
                if key.data == "listen":
                    self._accept()
                elif key.data == "conn":
                    self._message(key.fileobj)  # type: ignore[arg-type]  # registered as a socket in add()
                else:
                    self._ended(key.fd, key.data)

    def _accept(self) -> None:
        assert self.listener is not None  # registered only when there is one
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        self.add(conn, trusted=False)

    def _message(self, conn: socket.socket) -> None:
        try:
            message, fds, _, _ = socket.recv_fds(conn, _MAX_MESSAGE, 4)
        except OSError:
            message, fds = b"", []
        try:
            request = json.loads(message) if message else None
        except ValueError:
            request = None
        if request is None or conn not in self.trusted:
            for fd in fds:
                os.close(fd)
            if request is not None and _token_ok(request.get("token"), self.token_hash):
                self.trusted.add(conn)
                _send(conn, {"welcome": True})
                return
            self._drop(conn)
            return
        if request.get("stop"):
            self.stopped = True
            return
        if len(fds) != 4:
            for fd in fds:
                os.close(fd)
            self._drop(conn)
            return
        pid = os.fork()
        if pid == 0:
            _become_worker(request, fds)
        for fd in fds:
            os.close(fd)
        sandbox.register_worker(pid)
        self.owner[pid] = conn
        self.sel.register(os.pidfd_open(pid), selectors.EVENT_READ, pid)
        _send(conn, {"id": request.get("id"), "pid": pid})

    def _ended(self, pidfd: int, pid: int) -> None:
        sandbox.kill_group(pid)  # what the worker left running in its session (its pid is not free yet)
        _, status = os.waitpid(pid, 0)
        self.sel.unregister(pidfd)
        os.close(pidfd)
        conn = self.owner.pop(pid, None)
        sandbox.unregister_worker(pid)
        if conn is not None and conn in self.trusted:
            _send(conn, {"ended": pid, "code": os.waitstatus_to_exitcode(status)})
        sandbox.reap_orphans()  # what the worker's descendants left behind (re-parented here)

    def _drop(self, conn: socket.socket) -> None:
        """A connection closed: its workers go with it; the grader's own socket pair ends the zygote."""
        self.sel.unregister(conn)
        was_trusted = conn in self.trusted
        self.trusted.discard(conn)
        conn.close()
        for pid, owner in list(self.owner.items()):
            if owner is conn:
                sandbox.kill_group(pid)
        if self.listener is None and was_trusted:
            self.stopped = True


def _token_ok(token: object, token_hash: str) -> bool:
    if not isinstance(token, str) or not token_hash:
        return False
    return hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), token_hash)


def _send(conn: socket.socket, message: dict) -> None:
    try:
        conn.send(json.dumps(message).encode())
    except OSError:
        pass  # the grader is gone: its workers are stopped when its connection is dropped


def _become_worker(request: dict, fds: list[int]) -> None:
    """In the forked child: become an ordinary worker with the grader's pipes. Never returns."""
    code = 1
    try:
        os.setsid()
        stdin, stdout, stderr, channel = fds
        for fd, target in ((stdin, 0), (stdout, 1), (stderr, 2), (channel, 3)):
            os.dup2(fd, target)
        os.closerange(4, os.sysconf("SC_OPEN_MAX"))  # the control socket and other workers' pids
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        tempfile.tempdir = None
        from grader.engine import worker

        worker.main(["3"] + (["--serve"] if request.get("serve") else []))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except BaseException:
                pass
        os._exit(code)


# ---------------------------------------------------------------- in the grader


class ForkedProcess:
    """What the runner needs of ``subprocess.Popen``, for a worker that is the zygote's child."""

    def __init__(
        self, pid: int, zygote: Zygote, stdin: IO[bytes], stdout: IO[bytes], stderr: IO[bytes]
    ) -> None:
        self.pid, self.zygote = pid, zygote
        self.stdin, self.stdout, self.stderr = stdin, stdout, stderr
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.exit_code(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self.zygote.wait_exit(self.pid, timeout)
        return self.returncode


class Zygote:
    """A started zygote (see the module's docstring). ``fork`` returns a runner.Spawned."""

    def __init__(self, control: socket.socket, proc: subprocess.Popen | None = None, scratch: str = ""):
        self.control, self.proc, self.scratch = control, proc, scratch
        self._lock = threading.Lock()  # one fork request in flight at a time
        self._changed = threading.Condition()
        self._started: dict[int, int] = {}  # request id -> pid
        self._ended: dict[int, int] = {}  # pid -> exit code
        self._lost = False
        self._next_id = 0
        threading.Thread(target=self._listen, daemon=True).start()

    @classmethod
    def start(cls, boot_args: list[str], env: dict, scratch: str) -> Zygote:
        """Start a zygote of this process's own, talking over a socket pair."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            proc = subprocess.Popen(
                boot_args + [str(theirs.fileno())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                cwd=scratch,
                env=env,
                start_new_session=True,
            )
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return cls(ours, proc, scratch)

    def _listen(self) -> None:
        while True:
            try:
                data = self.control.recv(_MAX_MESSAGE)
            except OSError:
                data = b""
            with self._changed:
                if not data:
                    self._lost = True
                    self._changed.notify_all()
                    return
                message = json.loads(data)
                if "ended" in message:
                    self._ended[message["ended"]] = message["code"]
                else:
                    self._started[message["id"]] = message["pid"]
                self._changed.notify_all()

    @property
    def alive(self) -> bool:
        return not self._lost and (self.proc is None or self.proc.poll() is None)

    def fork(self, cwd: str, env: dict, serve: bool, timeout: float) -> tuple[ForkedProcess, int]:
        """A new worker in ``cwd`` with ``env``: the process (with the grader's ends of its
        standard streams) and the descriptor to read its result channel from."""
        pipes = [os.pipe() for _ in range(4)]  # stdin, stdout, stderr, channel
        theirs = [pipes[0][0], pipes[1][1], pipes[2][1], pipes[3][1]]
        ours = [pipes[0][1], pipes[1][0], pipes[2][0], pipes[3][0]]
        try:
            with self._lock:
                request_id = self._next_id = self._next_id + 1
                message = json.dumps({"id": request_id, "cwd": cwd, "env": env, "serve": serve}).encode()
                try:
                    socket.send_fds(self.control, [message], theirs)
                except OSError as exc:
                    raise ZygoteError(f"the zygote is gone ({exc})") from None
            with self._changed:
                if not self._changed.wait_for(lambda: request_id in self._started or self._lost, timeout):
                    raise ZygoteError("the zygote did not answer in time")
                if request_id not in self._started:
                    raise ZygoteError("the zygote is gone")
                pid = self._started.pop(request_id)
        except BaseException:
            for fd in ours:
                os.close(fd)
            raise
        finally:
            for fd in theirs:
                os.close(fd)
        return ForkedProcess(
            pid,
            self,
            os.fdopen(ours[0], "wb"),
            os.fdopen(ours[1], "rb", buffering=0),
            os.fdopen(ours[2], "rb", buffering=0),
        ), ours[3]

    def exit_code(self, pid: int) -> int | None:
        with self._changed:
            if pid in self._ended:
                return self._ended[pid]
            return self._orphan_code(pid) if self._lost else None

    def wait_exit(self, pid: int, timeout: float | None) -> int:
        with self._changed:
            if not self._changed.wait_for(lambda: pid in self._ended or self._lost, timeout):
                raise subprocess.TimeoutExpired(f"worker {pid}", timeout or 0.0)  # None never times out
            if pid in self._ended:
                return self._ended[pid]
        code = self._orphan_code(pid)
        return -9 if code is None else code

    @staticmethod
    def _orphan_code(pid: int) -> int | None:
        """The zygote died first: its workers were re-parented to us (the subreaper) or to init."""
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return -9  # not ours to wait for: count it as killed
        return os.waitstatus_to_exitcode(status) if done else None

    def close(self) -> None:
        """Hang up; a zygote of this process's own is stopped too (a daemon stays up)."""
        try:
            self.control.close()
        except OSError:
            pass
        if self.proc is None:
            return
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        sandbox.unregister_worker(self.proc.pid)
        shutil.rmtree(self.scratch, ignore_errors=True)
