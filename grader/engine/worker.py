"""Worker process: loads solution files and calls their entry point on each case.

Run as ``python -m grader.engine.worker CHANNEL_FD``. It reads one request frame on stdin, then
writes event frames to the channel file descriptor (with ``--serve``, it goes on answering
requests, for one learner's files only, until stdin ends: see grader/engine/live.py). It never decides a verdict: it only
reports what each call returned or raised, as plain data. The same worker runs trusted code
(the reference, pitfalls) and learner code, but never both in one process.

Imports only the standard library, numpy and ``grader.engine.wire`` before the request arrives, then
applies the kernel limits it was asked for, imports JAX, and (for learner code) confines itself
with Landlock before loading any solution file.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import sys
import time
import traceback
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from grader.engine import wire, worlds

MAX_MESSAGE = 2000
MAX_FRAMES = 40
MAX_NAME = 300  # class, module, file and function names: the grader refuses frames with longer ones


class Channel:
    def __init__(self, fd: int, secret: str = "") -> None:
        self.fd, self.secret = fd, secret

    def send(self, header: dict, buffers: Sequence[bytes] = ()) -> None:
        data = memoryview(wire.encode_frame(dict(header, secret=self.secret), list(buffers)))
        while data:
            written = os.write(self.fd, data)
            data = data[written:]


def _safe_str(obj: object) -> str:
    try:
        text = str(obj)
    except BaseException:  # a learner's exception may lie in __str__ too
        text = "<message could not be shown>"
    return text[:MAX_MESSAGE]


def describe_exception(exc: BaseException) -> dict:
    frames = traceback.extract_tb(exc.__traceback__)[-MAX_FRAMES:]
    if isinstance(exc, SyntaxError) and exc.filename:
        # the file could not be compiled: the place is the learner's line, not importlib's frames
        return {
            "type": _safe_str(type(exc).__name__)[:MAX_NAME],
            "module": _safe_str(type(exc).__module__)[:MAX_NAME],
            "message": _safe_str(exc.msg),
            "not_implemented": False,
            "frames": [
                {
                    "file": str(exc.filename)[:MAX_NAME],
                    "line": exc.lineno or 0,
                    "name": "<module>",
                    "code": (exc.text or "").rstrip("\n")[:300],
                    "column": max(0, int(exc.offset or 0)),
                }
            ],
        }
    return {
        "type": _safe_str(type(exc).__name__)[:MAX_NAME],
        "module": _safe_str(type(exc).__module__)[:MAX_NAME],
        "message": _safe_str(exc),
        "not_implemented": isinstance(exc, NotImplementedError),
        "frames": [
            {
                "file": f.filename[:MAX_NAME],
                "line": f.lineno or 0,
                "name": f.name[:MAX_NAME],
                "code": (f.line or "")[:300],
            }
            for f in frames
        ],
    }


@contextlib.contextmanager
def capture_warnings(learner_files: set[str]) -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning raised inside the block. One raised in a library on behalf of the
    learner's code (Flax's ``.value`` setter warns from its own ``__setattr__``) is placed at the
    innermost line of a learner file on the stack, so that the learner sees where it came from."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")

        def record(
            message: Warning | str,
            category: type[Warning],
            filename: str,
            lineno: int,
            file: Any = None,
            line: str | None = None,
        ) -> None:
            if filename not in learner_files:
                frame: Any = sys._getframe(1)
                while frame is not None and frame.f_code.co_filename not in learner_files:
                    frame = frame.f_back
                if frame is not None:
                    filename, lineno, line = frame.f_code.co_filename, frame.f_lineno, None
            caught.append(warnings.WarningMessage(message, category, filename, lineno, file, line))

        warnings.showwarning = record  # put back by catch_warnings on leaving
        yield caught


def describe_warnings(caught: list[warnings.WarningMessage]) -> list[dict]:
    seen: set[tuple[str, str]] = set()
    out: list[dict] = []
    for w in caught:
        message = " ".join(_safe_str(w.message).split())[:300]
        key = (_safe_str(w.category.__name__)[:MAX_NAME], message)
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                "category": key[0],
                "message": key[1],
                "file": _safe_str(w.filename)[:MAX_NAME],
                "line": w.lineno or 0,
            }
        )
    return out[:20]


def load_function(path: str, function: str, module_name: str) -> Any:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:  # a path without a .py suffix, for instance
        raise ImportError(f"{os.path.basename(path)} cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling-free reflection need it
    spec.loader.exec_module(module)
    fn = getattr(module, function, None)
    if fn is None:
        raise LookupError(f"no function named {function!r} in {os.path.basename(path)}")
    if not callable(fn):
        raise LookupError(f"{function!r} in {os.path.basename(path)} is not a function")
    return fn


def make_classifier(jax_module: Any) -> wire.Classify:
    array_impl = type(jax_module.numpy.zeros(()))

    def classify(value: Any) -> tuple[str, np.ndarray] | None:
        if type(value) is array_impl:
            return "jax", np.asarray(value)
        if isinstance(value, jax_module.Array):
            # a tracer escaping a transformation, or another array-like of jax's
            return None
        if type(value) is np.ndarray:
            return "numpy", value
        if isinstance(value, np.generic):
            return "numpy-scalar", np.asarray(value)
        return None

    return classify


def decode_args(case_spec: dict, buffers: list[bytes], jnp: Any) -> list:
    """A case's call arguments as the request carries them: arrays become float32 JAX arrays."""
    args = []
    for arg in case_spec["args"]:
        value = wire.decode_value(arg, buffers)
        if worlds.is_directive(value):
            continue  # not an argument: see call_directive
        if isinstance(value, wire.ArrayValue):
            args.append(jnp.asarray(value.data.copy(), dtype=jnp.float32))
        else:
            args.append(float(value))
    return args


def call_directive(case_spec: dict, buffers: list[bytes]) -> dict:
    """What a case asks of the worker besides the call (a world, a record, a value passed as
    ``given=``): its last argument when that is a directive (grader/engine/worlds.py), else nothing."""
    if case_spec["args"]:
        last = wire.decode_value(case_spec["args"][-1], buffers)
        if worlds.is_directive(last):
            return last[worlds.DIRECTIVE]
    return {}


def apply_rlimits(limits: dict) -> None:
    """Kernel-enforced ceilings, set before any learner code runs (soft and hard alike)."""
    import resource

    names = {
        "cpu": resource.RLIMIT_CPU,
        "as": resource.RLIMIT_AS,
        "nofile": resource.RLIMIT_NOFILE,
        "fsize": resource.RLIMIT_FSIZE,
        "core": resource.RLIMIT_CORE,
    }
    for key, value in limits.items():
        if key in names and value is not None:
            soft = int(value)
            if key == "cpu":  # a budget from now on, whatever a warm start already used
                usage = resource.getrusage(resource.RUSAGE_SELF)
                soft += int(usage.ru_utime + usage.ru_stime) + 1
            # CPU: the soft limit sends SIGXCPU, the hard one a SIGKILL that cannot be ignored
            hard = soft + 2 if key == "cpu" else soft
            try:
                resource.setrlimit(names[key], (soft, hard))
            except (ValueError, OSError):
                pass


def apply_sandbox(policy: dict | None) -> dict:
    if not policy:
        return {}
    if policy.get("off"):
        return {"landlock": False, "missing": [f"Landlock is turned off ({policy['off']})"]}
    from grader.engine import landlock

    try:
        own = [f"/proc/{os.getpid()}"]  # this process's own /proc entries, and no other's
        found = landlock.confine(
            policy.get("read", []) + own, policy.get("write", []), policy.get("deny_tcp", True)
        )
        return dict(found, landlock=True)
    except landlock.LandlockUnavailable as exc:
        return {"landlock": False, "missing": [str(exc)]}


def enter_isolation(wanted: dict | None) -> dict:
    """Namespaces (this process may be replaced by its child: see grader/engine/isolation.py) before
    anything else; what could not be had is listed under "missing"."""
    if not wanted:
        return {}
    from grader.engine import isolation

    if wanted.get("namespaces") is not True:
        return {"namespaces": False, "missing": [f"namespaces are turned off ({wanted.get('namespaces')})"]}
    try:
        return isolation.enter_namespaces(os.getcwd(), int(wanted.get("scratch_bytes", 256 << 20)))
    except isolation.Unavailable as exc:
        return {"namespaces": False, "missing": [str(exc)]}


def apply_seccomp(wanted: dict | None) -> dict:
    if not wanted:
        return {}
    if wanted.get("seccomp") is not True:
        return {"seccomp": False, "missing": [f"seccomp is turned off ({wanted.get('seccomp')})"]}
    from grader.engine import isolation

    try:
        return isolation.install_seccomp()
    except isolation.Unavailable as exc:
        return {"seccomp": False, "missing": [str(exc)]}


def seed_jax_cache(seed: str | None, folder: str | None) -> None:
    """A private compilation cache for this run: a copy of the trusted one, in the scratch
    folder, gone when the run ends (no learner ever writes a cache another run reads)."""
    if not seed or not folder or not os.path.isdir(seed):
        return
    import shutil

    try:
        shutil.copytree(seed, folder, dirs_exist_ok=True)
    except OSError:
        pass  # an empty cache only costs compile time


@dataclass
class Setup:
    """What a worker prepared once, before the first solution file ran in it."""

    jnp: object
    classify: wire.Classify
    protections: dict


def prepare(request: dict) -> Setup:
    """Namespaces, limits, JAX, the compilation cache, Landlock and seccomp: everything before
    learner code."""
    isolated = enter_isolation(request.get("isolation"))
    apply_rlimits(request.get("rlimits") or {})
    import jax
    import jax.numpy as jnp

    seed_jax_cache(request.get("jax_cache_seed"), request.get("jax_cache_dir"))
    if request.get("jax_cache_dir"):
        # persistent compilation cache: a new process skips compiling shapes seen before
        jax.config.update("jax_compilation_cache_dir", request["jax_cache_dir"])
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)

    classify = make_classifier(jax)  # also starts the backend, before the sandbox closes
    protections, missing = {}, []
    for part in (isolated, apply_sandbox(request.get("sandbox")), apply_seccomp(request.get("isolation"))):
        missing += part.pop("missing", [])
        protections.update(part)
    if missing:
        protections["unavailable"] = "; ".join(missing)
    return Setup(jnp, classify, protections)


def run(request: dict, buffers: list[bytes], channel: Channel, setup: Setup, run_index: int = 0) -> None:
    """Load each target and call it on its cases, reporting every step on the channel."""
    max_output = int(request.get("max_output_bytes", 64 * 1024 * 1024))
    channel.send({"event": "ready", "protections": setup.protections})
    cases = {c["id"]: c for c in request["cases"]}
    directives = {cid: call_directive(c, buffers) for cid, c in cases.items()}
    recorder = worlds.process_recorder()
    if any(d.get("record") for d in directives.values()):
        recorder.install()  # before any file loads, so the names it imports are the recorded ones
    learner_files = {t["path"] for t in request["targets"]}
    for t_index, target in enumerate(request["targets"]):
        name = target["name"]
        with capture_warnings(learner_files) as caught:
            try:
                # a worker given a share of the cases keeps quiet while loading: another one
                # shows what the import printed
                quiet = (
                    contextlib.redirect_stdout(io.StringIO())
                    if request.get("quiet_load")
                    else contextlib.nullcontext()
                )
                with quiet:
                    fn = load_function(target["path"], target["function"], f"_graded_{run_index}_{t_index}")
            except BaseException as exc:  # SyntaxError, ImportError, SystemExit at import, ...
                missing = isinstance(exc, LookupError) and not isinstance(exc, (KeyError, IndexError))
                channel.send(
                    {
                        "event": "load",
                        "target": name,
                        "ok": False,
                        "missing_function": missing,
                        "error": describe_exception(exc),
                        "warnings": describe_warnings(caught),
                    }
                )
                continue
        channel.send({"event": "load", "target": name, "ok": True, "warnings": describe_warnings(caught)})
        for case_id in target["cases"]:
            case = cases[case_id]
            args = decode_args(case, buffers, setup.jnp)
            directive = directives[case_id]
            given = {"given": directive["given"]} if "given" in directive else {}
            channel.send({"event": "start", "target": name, "case": case["id"]})
            with capture_warnings(learner_files) as caught:
                began = time.perf_counter()
                try:
                    recording = recorder.recording() if directive.get("record") else contextlib.nullcontext()
                    with worlds.world(directive.get("world")), recording:
                        result = fn(*args, **given)
                    if directive.get("record"):
                        result = {"output": result, worlds.RECORD_KEY: recorder.finish(result)}
                    spec, out_buffers = wire.encode_value(result, setup.classify, max_output)
                except BaseException as exc:
                    channel.send(
                        {
                            "event": "raised",
                            "target": name,
                            "case": case["id"],
                            "seconds": time.perf_counter() - began,
                            "error": describe_exception(exc),
                            "warnings": describe_warnings(caught),
                        }
                    )
                    continue
                seconds = time.perf_counter() - began
            channel.send(
                {
                    "event": "returned",
                    "target": name,
                    "case": case["id"],
                    "seconds": seconds,
                    "output": spec,
                    "warnings": describe_warnings(caught),
                },
                out_buffers,
            )
    # what the calls printed reaches the parent before it hears that the run is over
    sys.stdout.flush()
    sys.stderr.flush()
    channel.send({"event": "done"})


def _forget_loaded() -> None:
    """A serving worker drops the previous run's modules before loading the new versions."""
    for name in [n for n in sys.modules if n.startswith("_graded_")]:
        del sys.modules[name]


def preload() -> None:
    """A warm worker pays the imports before its request arrives."""
    import jax.numpy  # noqa: F401

    try:
        import flax.linen  # noqa: F401
        import flax.nnx  # noqa: F401
    except ImportError:
        pass


def requests(stream: BinaryIO, max_frame_bytes: int = 1 << 30) -> Iterator[tuple[dict, list[bytes]]]:
    """Request frames from ``stream`` until it ends."""
    reader = wire.FrameReader(max_frame_bytes)
    while True:
        chunk = stream.read1(1 << 16)  # type: ignore[attr-defined]  # sys.stdin.buffer: a BufferedReader
        if not chunk:
            return
        yield from reader.feed(chunk)


def main(argv: list[str] | None = None) -> None:
    """Serve one request, or with ``--serve`` every request until stdin ends (one learner's
    checks in ``watch``: the process keeps JAX's in-memory caches between them)."""
    argv = sys.argv[1:] if argv is None else argv
    if "--preload" in argv[1:]:
        preload()
    serve = "--serve" in argv[1:]
    # line buffering: what a call printed reaches the parent even if the process dies next
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
    stdin = sys.stdin.buffer
    sys.stdin = open(os.devnull)  # learner code reading stdin sees an empty stream
    setup = None
    for run_index, (request, buffers) in enumerate(requests(stdin)):
        channel = Channel(int(argv[0]), str(request.pop("secret", "")))
        if setup is None:
            setup = prepare(request)
        _forget_loaded()
        run(request, buffers, channel, setup, run_index)
        if not serve:
            break
    sys.stdout.flush()
    sys.stderr.flush()


if __name__ == "__main__":
    main()
