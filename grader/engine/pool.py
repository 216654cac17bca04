"""Fresh workers on demand: forked from a zygote, each used for exactly one run.

The zygote (grader/engine/zygote.py) has imported JAX and Flax and runs nothing of anyone's; a worker
forked from it skips the interpreter start and the imports. Each ``take`` forks a new worker, so
two runs (two learners, or a learner and the reference) never share a process. If the zygote
cannot be had, a worker is started the ordinary way, and another zygote is tried next time.
By default the pool starts zygotes of its own; ``opener`` can reach others (grader/engine/daemon.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from grader.engine.runner import FreshWorkers, RunOptions, Spawned, fork_worker, spawn_worker, start_zygote
from grader.engine.zygote import Zygote, ZygoteError


def _key(options: RunOptions) -> tuple:
    # only what shapes the process at start-up: interpreter, platform, environment
    return options.python, options.platform, options.extra_env


@dataclass
class WorkerPool(FreshWorkers):
    """One zygote per kind of process. Close it when done (or use ``with``)."""

    opener: Callable[[RunOptions], Zygote] = start_zygote  # raises OSError or ZygoteError
    _zygotes: dict[tuple, Zygote] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    def take(self, options: RunOptions, serve: bool = False) -> Spawned:
        """A fresh worker for one run (with ``serve``, for a grader.engine.live.LiveWorker)."""
        zygote = None
        try:
            zygote = self._zygote(options)
            return fork_worker(zygote, options, serve)
        except (OSError, ValueError, ZygoteError):
            if zygote is not None:
                self._drop(options, zygote)
            return spawn_worker(options, preload=True, serve=serve)

    def worker_for(self, options: RunOptions, files: tuple[str, ...]) -> Spawned:
        return self.take(options)

    def warm(self, options: RunOptions) -> None:
        """Start the zygote for this kind of worker now, before the first run needs it."""
        self._zygote(options)

    def _zygote(self, options: RunOptions) -> Zygote:
        key = _key(options)
        with self._lock:
            if self._closed:
                raise RuntimeError("this WorkerPool is closed")
            zygote = self._zygotes.get(key)
            if zygote is None or not zygote.alive:
                if zygote is not None:
                    zygote.close()
                self._zygotes.pop(key, None)
                zygote = self._zygotes[key] = self.opener(options)
            return zygote

    def _drop(self, options: RunOptions, zygote: Zygote) -> None:
        with self._lock:
            if self._zygotes.get(_key(options)) is zygote:
                del self._zygotes[_key(options)]
        zygote.close()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            zygotes, self._zygotes = list(self._zygotes.values()), {}
        for zygote in zygotes:
            zygote.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
