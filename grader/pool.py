"""Warm workers: started ahead of need, each used for exactly one run.

A warm worker has imported JAX and Flax and waits for its request; nothing of anyone's has run
in it. Taking one hands it to a single run and starts its replacement at once, so two learners'
code never share a process, and the next run does not pay the interpreter start and the imports.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from grader.runner import RunOptions, Spawned, spawn_worker


def _key(options: RunOptions) -> tuple:
    # only what shapes the process at start-up: interpreter, platform, environment
    return options.python, options.platform, options.extra_env


@dataclass
class WorkerPool:
    """Keeps ``size`` warm workers per kind of process. Close it when done (or use ``with``)."""

    size: int = 1
    _ready: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closed: bool = False

    def take(self, options: RunOptions) -> Spawned:
        key = _key(options)
        with self._lock:
            ready = self._ready.setdefault(key, [])
            spawned = self._pop_alive(ready)
            if spawned is None:
                spawned = spawn_worker(options, preload=True)
            self._refill(key, options)
        return spawned

    def warm(self, options: RunOptions) -> None:
        """Start the workers of this kind now, before the first run needs them."""
        with self._lock:
            self._refill(_key(options), options)

    def _refill(self, key, options: RunOptions) -> None:
        ready = self._ready.setdefault(key, [])
        while not self._closed and len(ready) < self.size:
            ready.append(spawn_worker(options, preload=True))

    @staticmethod
    def _pop_alive(ready: list) -> Spawned | None:
        while ready:
            spawned = ready.pop(0)
            if spawned.proc.poll() is None:
                return spawned
            spawned.discard()
        return None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for ready in self._ready.values():
                for spawned in ready:
                    spawned.discard()
            self._ready.clear()

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
