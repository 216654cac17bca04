"""Time limits that do not depend on how busy the machine is.

A step of a run (the worker starting, a file loading, one call) is limited by what the worker's
whole process tree does, read from the kernel (grader/sandbox.tree_usage), not by the clock on
the wall:

- **CPU time**: the step may use ``cpu_limit`` seconds of CPU, all processes and threads
  together (JAX's tracing and compilation included). A loop that never ends reaches it however
  slowly the machine gives it CPU.
- **Idle time**: time during which no thread of the tree runs or waits for a CPU counts against
  ``idle_limit``. A process that sleeps, is stopped or blocks forever reaches it; one that only
  waits for a busy CPU does not.
- **Wall-clock backstop**: ``wall_limit``, generous, for what the two above cannot see (a
  machine so loaded that the step is starved). The runner runs a step stopped this way once
  more, alone, before reporting a timeout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from grader.engine.sandbox import tree_usage

SAMPLE_SECONDS = 0.1  # how often the process tree is read
MIN_IDLE_SECONDS = 5.0
WALL_FACTOR = 10.0
MIN_WALL_SECONDS = 60.0


@dataclass(frozen=True)
class Budget:
    cpu_limit: float
    idle_limit: float
    wall_limit: float

    @classmethod
    def for_limit(cls, seconds: float) -> Budget:
        """The budget of a step whose limit is ``seconds`` (CPU seconds)."""
        return cls(seconds, max(MIN_IDLE_SECONDS, seconds), max(MIN_WALL_SECONDS, WALL_FACTOR * seconds))


@dataclass
class StepClock:
    """Watches one step of one worker; ``check`` says which limit ran out, if any."""

    pid: int
    budget: Budget
    started: float = field(default_factory=time.monotonic)
    cpu_start: float | None = None
    cpu_used: float = 0.0
    idle: float = 0.0
    last: float | None = None

    def check(self, now: float | None = None) -> str | None:
        """ "cpu", "idle" or "wall" when that limit ran out, else None. Reads /proc at most
        every SAMPLE_SECONDS."""
        now = time.monotonic() if now is None else now
        if now - self.started >= self.budget.wall_limit:
            return "wall"
        if self.last is not None and now - self.last < SAMPLE_SECONDS:
            return None
        usage = tree_usage(self.pid)
        elapsed = 0.0 if self.last is None else now - self.last
        self.last = now
        if usage is None:  # /proc cannot tell: count the wall clock as CPU time
            self.cpu_used += elapsed
        else:
            if self.cpu_start is None:
                self.cpu_start = usage.cpu_seconds
            # a child reaped between two reads can make the sum dip: never count backwards
            self.cpu_used = max(self.cpu_used, usage.cpu_seconds - self.cpu_start)
            if not usage.busy:
                self.idle += elapsed
        if self.cpu_used > self.budget.cpu_limit:
            return "cpu"
        if self.idle > self.budget.idle_limit:
            return "idle"
        return None

    def describe(self, kind: str) -> str:
        """What the learner reads when this step was stopped for ``kind``."""
        if kind == "cpu":
            return f"stopped after {self.budget.cpu_limit:g} s of CPU time"
        if kind == "idle":
            return (
                f"stopped after {self.budget.idle_limit:g} s without computing "
                "(sleeping, stopped, or waiting for something that never came)"
            )
        return f"stopped after {self.budget.wall_limit:g} s of wall-clock time"
