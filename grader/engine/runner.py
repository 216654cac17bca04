"""Run solution files in worker processes, under limits enforced from this (parent) process.

``run_targets`` starts a worker, sends it the cases, and turns what comes back on the result
channel into plain records. It never prints and never judges: it only says what each call
returned or raised, or that it timed out or took its process down. A call with no record is
never a success. When a worker dies or overruns mid-call, the remaining calls go to a new worker.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Protocol

import numpy as np

from grader.engine import sandbox, wire
from grader.engine.clock import WALL_FACTOR
from grader.engine.limits import Limits
from grader.engine.session import Call, RunReport, Session, WorkerProcess, stop_worker

if TYPE_CHECKING:  # imported on use at run time (start_zygote)
    from grader.engine.zygote import Zygote

PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])  # the folder holding grader/

# Imports the grader's worker with the package's own folder on the path, then takes that folder
# off again so that solution code cannot import the grader's neighbours (such as reference/).
_BOOT = (
    "import sys; sys.path.insert(0, {path!r}); import grader.engine.worker as w; "
    "sys.path.remove({path!r}); w.main()"
)

# The same for the zygote, which forks workers on request (grader/engine/zygote.py).
_ZYGOTE_BOOT = (
    "import sys; sys.path.insert(0, {path!r}); import grader.engine.zygote as z; "
    "sys.path.remove({path!r}); z.serve(int(sys.argv[1]))"
)

JAX_CACHE_LINK = ".jax-cache"  # in the worker's scratch folder, a link to its compilation cache
_ENV_PASSTHROUGH = (
    "PATH",
    "LANG",
    "LC_ALL",
    "TZ",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "GRADER_DAEMON_IDLE_SECONDS",
)


@dataclass(frozen=True)
class RunOptions:
    platform: str = "cpu"
    python: str = sys.executable
    jax_cache_dir: str | None = None  # JAX's persistent compilation cache for these processes
    # or: a private cache for each run, copied from this folder (read only) into its scratch
    jax_cache_seed: str | None = None
    confine: bool = False  # learner code: Landlock confinement where the kernel has it
    # where the workers come from (default: FreshWorkers, a new process for each run)
    workers: WorkerSource | None = field(default=None, compare=False)
    # spread one run's cases over this many workers at once (worth it only when workers are
    # cheap to start, as with a pool, and cores are free)
    spread: int = 1
    extra_env: tuple[tuple[str, str], ...] = ()


def free_cores() -> int:
    """Workers one run may spread its cases over (``RunOptions.spread``) when they are cheap to
    start: two where two cores are ours, else one."""
    return min(2, len(os.sched_getaffinity(0)))


@dataclass(frozen=True)
class Target:
    name: str
    path: Path
    function: str
    cases: tuple[str, ...] | None = None  # ids of the cases to call it on (default: all)
    case_seconds: float | None = None  # its own per-case limit (default: the run's)


@dataclass(frozen=True)
class CaseInput:
    id: str
    args: tuple  # Python floats and float32 numpy arrays, in call order


def run_targets(
    targets: list[Target],
    cases: list[CaseInput],
    limits: Limits = Limits(),
    options: RunOptions = RunOptions(),
) -> RunReport:
    """Call every target on every case in worker processes and report what happened."""
    wanted = {t.name: list(t.cases) if t.cases is not None else [c.id for c in cases] for t in targets}
    pending = {name: list(ids) for name, ids in wanted.items()}
    report = RunReport()
    with sandbox.worker_gate.shared():
        _run_all(targets, pending, cases, limits, options, report)
    starved = {
        name: [cid for cid in ids if (call := report.calls.get((name, cid))) and call.clock.endswith("wall")]
        for name, ids in wanted.items()
    }
    if any(starved.values()):
        # stopped by the wall clock alone: the machine may have starved it. Once more, with no
        # other worker of this grader running, before it counts as a timeout
        with sandbox.worker_gate.exclusive():
            _run_all(targets, starved, cases, limits, options, report)
    return report


def _run_all(
    targets: list[Target],
    pending: dict[str, list[str]],
    cases: list[CaseInput],
    limits: Limits,
    options: RunOptions,
    report: RunReport,
) -> None:
    by_name = {t.name: t for t in targets}
    # the limits that count are CPU and idle time (grader/engine/clock.py); this is the backstop
    deadline = time.monotonic() + limits.total_seconds * WALL_FACTOR
    while any(pending.values()):
        if time.monotonic() >= deadline:
            for name, ids in pending.items():
                for cid in ids:
                    report.calls[(name, cid)] = Call("timeout", detail="the total time limit ran out first")
            break
        plan = [by_name[n] for n in pending if pending[n]]
        parts = _spread(pending, 1 if worker_source(options).keeps_workers else options.spread)
        if len(parts) == 1:
            _run_once(plan, pending, cases, limits, options, deadline, report)
        else:
            _run_spread(plan, pending, parts, cases, limits, options, deadline, report)


def _spread(pending: dict[str, list[str]], workers: int) -> list[dict[str, list[str]]]:
    """Split the pending calls into at most ``workers`` parts, each a run of consecutive cases
    (so that the output printed by the parts, put end to end, follows the cases' order)."""
    calls = [(name, cid) for name, ids in pending.items() for cid in ids]
    workers = max(1, min(workers, len(calls) // 2))
    if workers == 1:
        return [pending]
    size = -(-len(calls) // workers)
    parts = []
    for start in range(0, len(calls), size):
        part: dict[str, list[str]] = {}
        for name, cid in calls[start : start + size]:
            part.setdefault(name, []).append(cid)
        parts.append(part)
    return parts


def _run_spread(
    plan: list[Target],
    pending: dict[str, list[str]],
    parts: list[dict[str, list[str]]],
    cases: list[CaseInput],
    limits: Limits,
    options: RunOptions,
    deadline: float,
    report: RunReport,
) -> None:
    """One worker per part, at the same time; their reports merged into ``report``."""
    reports = [RunReport() for _ in parts]
    threads: list[threading.Thread] = []
    failures: list[BaseException] = []

    def run_part(index: int, part: dict[str, list[str]], sub: RunReport) -> None:
        try:
            # every worker loads the files; only the first one's import-time output is kept
            _run_once(
                [t for t in plan if part.get(t.name)],
                part,
                cases,
                limits,
                options,
                deadline,
                sub,
                quiet_load=index > 0,
            )
        except BaseException as exc:  # raised again below, in the caller's thread
            failures.append(exc)

    for index, (part, sub) in enumerate(zip(parts, reports, strict=True)):
        thread = threading.Thread(target=run_part, args=(index, part, sub), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    for sub in reports:
        report.calls.update(sub.calls)
        for name, problem in sub.load_problems.items():
            report.load_problems.setdefault(name, problem)
        for name, found in sub.load_warnings.items():
            report.load_warnings.setdefault(name, found)
        report.stdout += sub.stdout
        report.stderr += sub.stderr
        report.streams_truncated = report.streams_truncated or sub.streams_truncated
        report.processes += sub.processes
        report.protections = report.protections or sub.protections
    for name in pending:
        pending[name] = [cid for cid in pending[name] if (name, cid) not in report.calls]


def _encode_request(
    plan: list[Target],
    pending: dict[str, list[str]],
    cases: list[CaseInput],
    limits: Limits,
    options: RunOptions,
    scratch: str,
    secret: str,
    cpu_runs: int = 1,
    quiet_load: bool = False,
) -> bytes:
    buffers: list[bytes] = []
    case_specs = []
    for case in cases:
        args = []
        for value in case.args:
            spec, bufs = wire.encode_value(value, _classify_input, 1 << 30)
            spec = wire.offset_buffers(spec, len(buffers))
            buffers.extend(bufs)
            args.append(spec)
        case_specs.append({"id": case.id, "args": args})
    wanted = {cid for t in plan for cid in pending[t.name]}
    header = {
        "secret": secret,
        "targets": [
            {"name": t.name, "path": str(t.path), "function": t.function, "cases": list(pending[t.name])}
            for t in plan
        ],
        "cases": [c for c in case_specs if c["id"] in wanted],
        "max_output_bytes": limits.max_output_bytes,
        "quiet_load": quiet_load,
        "jax_cache_dir": JAX_CACHE_LINK if options.jax_cache_dir or options.jax_cache_seed else None,
        "jax_cache_seed": options.jax_cache_seed,
        "rlimits": dict(limits.rlimits(), cpu=limits.rlimits()["cpu"] * cpu_runs),
        "sandbox": _landlock_request(plan, scratch, options) if options.confine else None,
        "isolation": sandbox.isolation_request(limits.scratch_bytes) if options.confine else None,
    }
    return wire.encode_frame(header, buffers)


def _landlock_request(plan: list[Target], scratch: str, options: RunOptions) -> dict:
    off = sandbox.turned_off("landlock")
    if off:
        return {"off": off}
    writable = [options.jax_cache_dir] if options.jax_cache_dir else []
    return sandbox.learner_policy([str(t.path) for t in plan], scratch, writable).as_request()


def _classify_input(value: Any) -> tuple[str, np.ndarray] | None:
    if isinstance(value, np.ndarray):
        return "numpy", value
    return None


def child_env(scratch: str, options: RunOptions) -> dict[str, str]:
    env = {k: os.environ[k] for k in _ENV_PASSTHROUGH if k in os.environ}
    env.setdefault("PATH", os.defpath)
    env.update(
        HOME=scratch,
        TMPDIR=scratch,
        JAX_PLATFORMS=options.platform,
        PYTHONDONTWRITEBYTECODE="1",
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    env.update(dict(options.extra_env))
    return env


@dataclass
class Spawned:
    """A started worker, blocked on reading its request: nothing of anyone's has run in it yet."""

    proc: WorkerProcess  # a subprocess.Popen, or a grader.engine.zygote.ForkedProcess
    channel_fd: int
    scratch: str

    def discard(self) -> None:
        stop_worker(self.proc)
        sandbox.unregister_worker(self.proc.pid)
        sandbox.reap_orphans()  # descendants that left the worker's process group
        os.close(self.channel_fd)
        shutil.rmtree(self.scratch, ignore_errors=True)


class WorkerSource(Protocol):
    """Where a run's worker comes from and where it goes when the run ends: a new process for
    each run (FreshWorkers), a fork of a zygote for each run (grader.engine.pool.WorkerPool), or
    one worker kept between runs (grader.engine.live.LiveWorker)."""

    @property
    def keeps_workers(self) -> bool:
        """Whether a worker serves run after run: its stdin stays open, a run is not spread."""
        ...

    @property
    def runs_per_worker(self) -> int:
        """How many runs one worker's CPU budget must cover."""
        ...

    def worker_for(self, options: RunOptions, files: tuple[str, ...]) -> Spawned:
        """A worker for one run of ``files`` (the solution files it may read)."""
        ...

    def release(self, spawned: Spawned, reusable: bool) -> None:
        """The run ended; ``reusable``: cleanly, so a kept worker may serve the next one."""
        ...

    def fresh(self) -> WorkerSource:
        """The source for code that must not share a process with earlier runs (trusted code)."""
        ...

    def copy_folder(self) -> str | None:
        """The folder for the grader's copies of the files its workers run, the same for every
        run when workers are kept (they stay confined to the paths they started with); None: a
        private folder for each run."""
        ...


class FreshWorkers:
    """A new worker process for each run, discarded when the run ends."""

    keeps_workers = False
    runs_per_worker = 1

    def worker_for(self, options: RunOptions, files: tuple[str, ...]) -> Spawned:
        return spawn_worker(options)

    def release(self, spawned: Spawned, reusable: bool) -> None:
        spawned.discard()

    def fresh(self) -> WorkerSource:
        return self

    def copy_folder(self) -> str | None:
        return None


def worker_source(options: RunOptions) -> WorkerSource:
    """Where the workers of runs with ``options`` come from."""
    return options.workers if options.workers is not None else FreshWorkers()


def spawn_worker(options: RunOptions, preload: bool = False, serve: bool = False) -> Spawned:
    """Start a worker in a new session, with a scratch folder and a trimmed environment.
    With ``preload`` it imports JAX and Flax before waiting for its request; with ``serve`` it
    answers requests until its stdin closes."""
    sandbox.become_subreaper()
    scratch = tempfile.mkdtemp(prefix="grader-run-")
    read_fd, write_fd = os.pipe()
    args = [options.python, "-I", "-c", _BOOT.format(path=PACKAGE_PARENT), str(write_fd)]
    try:
        with sandbox.starting_worker():  # registered before another thread can take it for a stray
            proc = subprocess.Popen(
                args + (["--preload"] if preload else []) + (["--serve"] if serve else []),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(write_fd,),
                cwd=scratch,
                env=child_env(scratch, options),
                start_new_session=True,
            )
            sandbox.register_worker(proc.pid)
    except BaseException:
        os.close(read_fd)
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    finally:
        os.close(write_fd)
    return Spawned(proc, read_fd, scratch)


def start_zygote(options: RunOptions) -> Zygote:
    """Start a zygote for workers of this kind (interpreter, platform, environment)."""
    from grader.engine.zygote import Zygote

    sandbox.become_subreaper()
    scratch = tempfile.mkdtemp(prefix="grader-zygote-")
    try:
        with sandbox.starting_worker():  # registered before another thread can take it for a stray
            zygote = Zygote.start(
                [options.python, "-I", "-c", _ZYGOTE_BOOT.format(path=PACKAGE_PARENT)],
                child_env(scratch, options),
                scratch,
            )
            assert zygote.proc is not None  # started here, not reached through a daemon
            sandbox.register_worker(zygote.proc.pid)
            return zygote
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise


def fork_worker(zygote: Zygote, options: RunOptions, serve: bool = False) -> Spawned:
    """A worker forked from ``zygote``, in a scratch folder of its own; raises ZygoteError."""
    scratch = tempfile.mkdtemp(prefix="grader-run-")
    try:
        proc, channel_fd = zygote.fork(scratch, child_env(scratch, options), serve, Limits().startup_seconds)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    sandbox.register_worker(proc.pid)
    return Spawned(proc, channel_fd, scratch)


def _run_once(
    plan: list[Target],
    pending: dict[str, list[str]],
    cases: list[CaseInput],
    limits: Limits,
    options: RunOptions,
    deadline: float,
    report: RunReport,
    quiet_load: bool = False,
) -> None:
    source = worker_source(options)
    spawned = source.worker_for(options, tuple(str(t.path) for t in plan))
    link = os.path.join(spawned.scratch, JAX_CACHE_LINK)
    if options.jax_cache_dir and not os.path.lexists(link):
        # JAX puts the cache folder's name into every entry's key: reach each cache through the
        # same relative name, so entries written by one process are found by the next
        os.makedirs(options.jax_cache_dir, exist_ok=True)
        os.symlink(os.path.abspath(options.jax_cache_dir), link)
    secret = secrets.token_hex(16)  # frames without it did not come from this run's worker
    request = _encode_request(
        plan,
        pending,
        cases,
        limits,
        options,
        spawned.scratch,
        secret,
        cpu_runs=source.runs_per_worker,
        quiet_load=quiet_load,
    )
    report.processes += 1
    assert spawned.proc.stdin is not None  # workers start with piped streams
    feeder = threading.Thread(
        target=_feed, args=(spawned.proc.stdin, request, not source.keeps_workers), daemon=True
    )
    feeder.start()
    session = Session(plan, pending, limits, report, secret)
    kept = False
    try:
        kept = session.pump(spawned.proc, spawned.channel_fd, deadline, keep=source.keeps_workers)
    finally:
        source.release(spawned, kept)
        feeder.join(timeout=1)


def _feed(stdin: IO[bytes], data: bytes, close: bool = True) -> None:
    try:
        stdin.write(data)
        stdin.flush()
        if close:
            stdin.close()
    except (BrokenPipeError, OSError, ValueError):
        pass
