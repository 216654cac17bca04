"""One run's conversation with a worker: the records it produces, and the reader that turns the
worker's channel and output streams into them, under the run's time limits.

``Session.pump`` reads until the worker says it is done, fails the protocol, dies, or overruns;
what was in flight then is charged to the call (or file) that was running.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from grader.engine import frames, sandbox, wire
from grader.engine.clock import SAMPLE_SECONDS, Budget, StepClock
from grader.engine.limits import Limits

# the states of a run in which each event may arrive: anything else is out of turn
_ALLOWED_IN = {
    "ready": {"starting"},
    "load": {"between"},
    "start": {"between"},
    "returned": {"calling"},
    "raised": {"calling"},
    "done": {"between"},
}


class PlannedTarget(Protocol):
    """What a session needs of a target it runs (grader.engine.runner.Target)."""

    @property
    def name(self) -> str: ...
    @property
    def case_seconds(self) -> float | None: ...


class WorkerProcess(Protocol):
    """What a session needs of a worker: a ``subprocess.Popen``, or a zygote's ForkedProcess."""

    @property
    def pid(self) -> int: ...
    @property
    def returncode(self) -> int | Any: ...
    @property
    def stdin(self) -> IO[bytes] | None: ...
    @property
    def stdout(self) -> IO[bytes] | None: ...
    @property
    def stderr(self) -> IO[bytes] | None: ...
    def poll(self) -> int | None: ...
    def wait(self, timeout: float | None = None) -> int: ...


@dataclass
class Call:
    """What happened when one target was called on one case."""

    outcome: str  # returned | raised | timeout | crashed | not_run
    output: Any = None
    error: dict | None = None
    warnings: list = field(default_factory=list)
    seconds: float = 0.0
    detail: str = ""
    # for a timeout, the limit that ran out (grader/engine/clock.py): cpu | idle | wall | total, or
    # after-<that> for the calls not run because an earlier one timed out
    clock: str = ""


@dataclass
class LoadProblem:
    kind: str  # raised | missing_function | timeout | crashed
    error: dict | None = None
    detail: str = ""


@dataclass
class RunReport:
    calls: dict[tuple[str, str], Call] = field(default_factory=dict)
    load_problems: dict[str, LoadProblem] = field(default_factory=dict)
    load_warnings: dict[str, list] = field(default_factory=dict)
    stdout: str = ""
    stderr: str = ""
    streams_truncated: bool = False
    processes: int = 0
    protections: dict = field(default_factory=dict)  # what the worker said it enforced


class Capture:
    """The first ``limit`` bytes of a stream, and whether more came."""

    def __init__(self, limit: int) -> None:
        self.limit, self.data, self.truncated = limit, bytearray(), False

    def add(self, chunk: bytes) -> None:
        room = self.limit - len(self.data)
        if len(chunk) > room:
            self.truncated = True
        if room > 0:
            self.data += chunk[:room]

    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


def stop_worker(proc: WorkerProcess) -> None:
    """SIGKILL the worker's process group, wait for the worker, close our ends of its pipes."""
    sandbox.kill_group(proc.pid)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL is not ignorable
        pass
    for stream in (proc.stdout, proc.stderr, proc.stdin):
        try:
            if stream is not None:
                stream.close()
        except OSError:
            pass


class Session:
    """Reads one worker's channel and streams, tracking which call is in flight."""

    def __init__(
        self,
        plan: Sequence[PlannedTarget],
        pending: dict[str, list[str]],
        limits: Limits,
        report: RunReport,
        secret: str,
    ) -> None:
        self.plan, self.pending, self.limits, self.report = plan, pending, limits, report
        self.secret = secret
        self.case_limits = {t.name: t.case_seconds for t in plan}
        self.reader = wire.FrameReader(limits.max_output_bytes + (1 << 20))
        self.out = Capture(limits.max_stream_bytes)
        self.err = Capture(limits.max_stream_bytes)
        self.state = "starting"  # starting | between | calling | done
        self.current: tuple[str, str] | None = None
        self.active: str | None = None  # the target loaded last, whose cases run next
        self.started_at = time.monotonic()
        self.clock, self.clock_detail = "", ""  # which limit stopped the run, and how to say it

    # -- bookkeeping
    def _step_budget(self) -> Budget:
        if self.state == "starting":
            return Budget.for_limit(self.limits.startup_seconds)
        target = self.current[0] if self.current else self.active or self._next_target_to_load()
        own = self.case_limits.get(target) if target is not None else None
        return Budget.for_limit(own or self.limits.case_seconds)

    def _next_target_to_load(self) -> str | None:
        for t in self.plan:
            if t.name not in self.report.load_warnings and t.name not in self.report.load_problems:
                return t.name
        return None

    def _finish_call(self, key: tuple[str, str], call: Call) -> None:
        self.report.calls[key] = call
        name, cid = key
        if cid in self.pending[name]:
            self.pending[name].remove(cid)

    def _fail_target(self, name: str, problem: LoadProblem) -> None:
        self.report.load_problems[name] = problem
        for cid in list(self.pending[name]):
            self._finish_call((name, cid), Call("not_run", detail="the file could not be loaded"))

    # -- events
    def handle(self, header: dict, buffers: list[bytes]) -> None:
        """Record one frame. Raises wire.WireError, and nothing else, for a frame this run's
        worker could not have sent at this point: the caller ends the run with an error."""
        try:
            self._handle(*frames.parse(header, buffers, self.secret))
        except wire.WireError:
            raise
        except Exception as exc:  # last line: frames.parse has checked every field used below
            raise wire.WireError(f"an event that could not be recorded ({type(exc).__name__})") from None

    def _handle(self, event: str, f: dict) -> None:
        if self.state not in _ALLOWED_IN[event]:
            raise wire.WireError(f"a {event!r} event arrived out of turn")
        if event == "ready":
            self.state = "between"
            self.report.protections = f["protections"]
        elif event == "load":
            name = f["target"]
            self._expect_target(name)
            self.report.load_warnings[name] = f["warnings"]
            if f["ok"]:
                self.active = name
            elif f["error"] is None or f["missing_function"] is None:
                raise wire.WireError("a failed 'load' event without its error")
            else:
                self.active = None
                kind = "missing_function" if f["missing_function"] else "raised"
                self._fail_target(name, LoadProblem(kind, error=f["error"]))
        elif event == "start":
            key = (f["target"], f["case"])
            if key[0] != self.active or key[1] not in self.pending[key[0]]:
                raise wire.WireError("a call started that was not asked for")
            self.current, self.state = key, "calling"
        elif event in ("returned", "raised"):
            key = (f["target"], f["case"])
            if key != self.current:
                raise wire.WireError("a result arrived for a call that was not running")
            if event == "returned":
                call = Call("returned", output=f["output"])
            else:
                call = Call("raised", error=f["error"])
            call.warnings, call.seconds = f["warnings"], f["seconds"]
            self._finish_call(key, call)
            self.current, self.state = None, "between"
        else:  # done
            self.state = "done"

    def _expect_target(self, name: str) -> None:
        if name not in self.pending:
            raise wire.WireError("an event named a file that was not asked for")

    # -- the loop
    def pump(self, proc: WorkerProcess, channel_fd: int, total_deadline: float, keep: bool = False) -> bool:
        """Read the worker until it is done (or fails). With ``keep`` the worker is meant to
        serve again: stop reading as soon as it is done. Returns whether it can serve again."""
        assert proc.stdout is not None and proc.stderr is not None  # workers start with piped streams
        sel = selectors.DefaultSelector()
        sel.register(channel_fd, selectors.EVENT_READ, "channel")
        sel.register(proc.stdout, selectors.EVENT_READ, "stdout")
        sel.register(proc.stderr, selectors.EVENT_READ, "stderr")
        open_streams = 3
        step = StepClock(proc.pid, self._step_budget())
        whole = StepClock(proc.pid, Budget(self.limits.total_seconds, float("inf"), float("inf")))
        drain_until: float | None = None
        failure: str | None = None
        try:
            while open_streams:
                now = time.monotonic()
                if drain_until is not None:  # once done, only the output streams are draining
                    if now >= drain_until:
                        break
                elif now >= total_deadline:
                    failure, self.clock = "timeout", "total"
                    break
                else:
                    ran_out = step.check(now) or ("total" if whole.check(now) else None)
                    if ran_out:
                        failure, self.clock, self.clock_detail = "timeout", ran_out, step.describe(ran_out)
                        break
                wait = min(SAMPLE_SECONDS, max(0.0, total_deadline - now))
                for key, _ in sel.select(timeout=wait):
                    chunk = os.read(key.fd, 1 << 16)
                    if not chunk:
                        sel.unregister(key.fileobj)
                        open_streams -= 1
                        continue
                    if key.data == "stdout":
                        self.out.add(chunk)
                    elif key.data == "stderr":
                        self.err.add(chunk)
                    else:
                        before = self.state, self.current
                        try:
                            for header, buffers in self.reader.feed(chunk):
                                self.handle(header, buffers)
                        except wire.WireError as exc:
                            failure = f"protocol: {exc}"
                            break
                        if (self.state, self.current) != before:
                            step = StepClock(proc.pid, self._step_budget())
                        if self.state == "done" and drain_until is None:  # let the streams drain, briefly
                            drain_until = time.monotonic() + 2.0
                if failure or (keep and self.state == "done"):
                    break
            if (keep and self.state == "done") or failure:
                # what the worker printed before it was done (or failed) is already in the pipes
                self._drain_ready(sel)
        finally:
            sel.close()
        if self.state != "done" and failure is None:
            failure = "crashed"
        if failure is not None:
            self._record_failure(proc, failure, total_deadline)
        else:  # a worker that says it is done owes a record for every call it was given
            for t in self.plan:
                for cid in list(self.pending[t.name]):
                    self._finish_call(
                        (t.name, cid), Call("crashed", detail="no result was reported for this case")
                    )
        self._collect_streams()
        return keep and failure is None and proc.poll() is None

    def _drain_ready(self, sel: selectors.BaseSelector) -> None:
        """What the worker printed before saying it was done is already in the pipes: take it
        (bounded: a thread left printing must not keep the run open)."""
        for _ in range(64):
            ready = [key for key, _ in sel.select(timeout=0) if key.data != "channel"]
            if not ready:
                return
            for key in ready:
                chunk = os.read(key.fd, 1 << 16)
                if not chunk:
                    sel.unregister(key.fileobj)
                elif key.data == "stdout":
                    self.out.add(chunk)
                else:
                    self.err.add(chunk)

    def _record_failure(self, proc: WorkerProcess, failure: str, total_deadline: float) -> None:
        stop_worker(proc)
        code = proc.returncode
        if failure == "timeout":
            detail = self.clock_detail if self.clock != "total" else "stopped after the total time limit"
        elif failure.startswith("protocol"):
            detail = "the result channel was tampered with or corrupted (" + failure[10:] + ")"
        else:
            detail = exit_detail(code)
        outcome = "timeout" if failure == "timeout" else "crashed"
        clock = self.clock if outcome == "timeout" else ""
        if self.state == "calling" and self.current is not None:
            self._finish_call(self.current, Call(outcome, detail=detail, clock=clock))
            if outcome == "timeout":
                # a loop that never ends would cost the full limit on every case: stop at the first
                name, cid = self.current
                for rest in list(self.pending[name]):
                    self._finish_call(
                        (name, rest),
                        Call(
                            "timeout", detail=f"not run: case {cid} timed out first", clock="after-" + clock
                        ),
                    )
        elif self.state == "starting":
            # the worker itself never came up: every pending call fails the same way
            for name in list(self.pending):
                for cid in list(self.pending[name]):
                    self._finish_call((name, cid), Call(outcome, detail=detail, clock=clock))
        elif self.active is not None and self.pending[self.active]:
            # died between two calls of a loaded file: charge its next call so the loop moves on
            self._finish_call(
                (self.active, self.pending[self.active][0]), Call(outcome, detail=detail, clock=clock)
            )
        else:
            unloaded = self._next_target_to_load()
            if unloaded is not None:
                self._fail_target(unloaded, LoadProblem(outcome, detail=detail))

    def _collect_streams(self) -> None:
        r = self.report
        r.stdout += self.out.text()
        r.stderr += self.err.text()
        r.streams_truncated = r.streams_truncated or self.out.truncated or self.err.truncated


def exit_detail(code: int | None) -> str:
    if code is None:
        return "the process stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the process was killed by {name}"
    return f"the process ended with exit code {code} before reporting a result"
