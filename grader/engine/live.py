"""A worker kept between one learner's checks in ``watch``: quick verdicts after a save.

JAX keeps what it traced and compiled in the memory of the process; a worker that checked a
learner's file before checks the next save of it in a fraction of the time a fresh process needs.
Only one learner's code ever runs in it (watch serves one learner), and only the files it was
confined to when it started: another set of files gets another worker.

Its verdicts are quick, not final: code from an earlier save may have left state behind in the
process (a patched function, a thread). ``watch`` therefore confirms every quick verdict in a
fresh process and records only the confirmed one.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field

from grader.engine.pool import WorkerPool
from grader.engine.runner import FreshWorkers, RunOptions, Spawned, WorkerSource, spawn_worker


@dataclass
class LiveWorker:
    """Holds at most one serving worker. Close it when done (or use ``with``)."""

    pool: WorkerPool | None = None  # to fork the worker from (default: start one)
    max_runs: int = 25  # then a new process: bounds its CPU budget and whatever piled up in it
    _spawned: Spawned | None = None
    _files: tuple = ()
    _runs: int = 0
    _busy: bool = False
    _copies: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    keeps_workers = True  # a grader.engine.runner.WorkerSource

    @property
    def runs_per_worker(self) -> int:
        return self.max_runs

    def copy_folder(self) -> str:
        """A private folder for the grader's copies of the files this worker runs: the same
        between runs, since the worker stays confined to the paths it started with."""
        with self._lock:
            if self._copies is None:
                self._copies = os.path.realpath(tempfile.mkdtemp(prefix="grader-live-"))
            return self._copies

    def worker_for(self, options: RunOptions, files: tuple[str, ...]) -> Spawned:
        """The serving worker for these files, started now if there is none fit to use."""
        with self._lock:
            if self._busy:
                raise RuntimeError("a LiveWorker serves one run at a time")
            if not self._fit(files):
                self._replace(options, files)
            self._runs += 1
            self._busy = True
            assert self._spawned is not None  # _fit or _replace left one
            return self._spawned

    def warm(self, options: RunOptions, files: tuple[str, ...]) -> None:
        """Start the worker for these files now, unless one fit to use (or busy) exists."""
        with self._lock:
            if not self._busy and not self._fit(files):
                self._replace(options, files)

    def _fit(self, files: tuple[str, ...]) -> bool:
        """A worker confined to these files, alive, with runs left in its allowance."""
        current = self._spawned
        return (
            current is not None
            and files == self._files
            and self._runs < self.max_runs
            and current.proc.poll() is None
        )

    def _replace(self, options: RunOptions, files: tuple[str, ...]) -> None:
        if self._spawned is not None:
            self._spawned.discard()
        self._spawned, self._files, self._runs = self._start(options), files, 0

    def _start(self, options: RunOptions) -> Spawned:
        if self.pool is not None:
            return self.pool.take(options, serve=True)
        return spawn_worker(options, preload=True, serve=True)

    def release(self, spawned: Spawned, reusable: bool) -> None:
        """The run ended: cleanly (``reusable``), the worker is kept for the next one; else (a
        timeout, a crash, a protocol failure) it is discarded."""
        with self._lock:
            self._busy = False
            if not reusable and self._spawned is spawned:
                self._spawned, self._files, self._runs = None, (), 0
        if not reusable:
            spawned.discard()

    def fresh(self) -> WorkerSource:
        return self.pool if self.pool is not None else FreshWorkers()

    def close(self) -> None:
        with self._lock:
            if self._spawned is not None:
                self._spawned.discard()
            self._spawned, self._files, self._runs = None, (), 0

    def __enter__(self) -> LiveWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        with self._lock:  # the copies go with the holder, not with one worker
            if self._copies is not None:
                shutil.rmtree(self._copies, ignore_errors=True)
                self._copies = None
