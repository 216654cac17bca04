"""Changed worlds and recorded events: what a worker does around one call, besides calling.

A *world* is a named change of library defaults (for instance: ``nnx.Linear`` draws its default
bias from a normal distribution instead of zeros). A case of ``cases.toml`` may run in one
(``world = "..."``); the worker applies it just before the call and undoes it just after, the
same way for the reference, the pitfalls and the learner. Code that follows a statement built
on the library's defaults gives the reference's answer in any world; an answer that never did
the work does not.

*Events* are facts recorded in the worker while a call runs (an ``nnx.Linear`` was called, the
function returned what the last ``Module.apply`` returned, ...). Problems state requirements on
them (``[[requirements]]`` in problem.toml, see grader/grading/requirements.py). Recording happens in
the learner's own process, which the learner's code controls: a requirement is a teaching check
that takes points away from an answer that skipped the work, not proof that the work was done,
and a record that is not a table of counts meets no requirement (``well_formed``).

Both travel to the worker as a *call directive*: a last argument ``{DIRECTIVE: {...}}`` that the
worker takes off before calling. This module is imported by the worker before its sandbox
closes, so it imports only the standard library at module level; Flax is imported on use.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

DIRECTIVE = "grader-directive"
RECORD_KEY = "grader-record"

# name -> what it changes, in words an instructor reads in AUTHORING.md and `validate`
WORLDS = {
    "nnx-linear-random-bias": "nnx.Linear's default bias_init draws from a normal distribution (stddev 1) instead of zeros",
    "linen-dense-random-bias": "nn.Dense's default bias_init draws from a normal distribution (stddev 1) instead of zeros",
}

# name -> what was seen when it is recorded
EVENTS = {
    "nnx.Linear": "an nnx.Linear layer was called",
    "nnx.Linear:raw-parameter": "an nnx.Linear was called while its kernel or bias was not an nnx.Param",
    "nnx.split": "nnx.split was called",
    "nnx.merge": "nnx.merge was called",
    "nnx.state": "nnx.state was called",
    "nnx.update": "nnx.update was called",
    "linen.Dense": "a Linen nn.Dense layer was called",
    "linen.init": "a Linen Module.init was called",
    "linen.apply": "a Linen Module.apply was called",
    "returned:nnx.Linear": "the function returned the output of the last nnx.Linear call",
    "returned:linen.apply": "the function returned the output of the last Module.apply call",
}


# ---------------------------------------------------------------- worlds


def _set_default(function: Callable[..., Any], name: str, value: object) -> object:
    """Change the default of parameter ``name`` of ``function``; return the old default."""
    function = inspect.unwrap(function)
    if function.__kwdefaults__ and name in function.__kwdefaults__:
        old = function.__kwdefaults__[name]
        function.__kwdefaults__ = {**function.__kwdefaults__, name: value}
        return old
    code = function.__code__
    positional = code.co_varnames[: code.co_argcount]
    defaults = list(function.__defaults__ or ())
    index = positional.index(name) - (len(positional) - len(defaults))
    if index < 0:
        raise LookupError(f"{function.__qualname__} has no default for {name!r}")
    old, defaults[index] = defaults[index], value
    function.__defaults__ = tuple(defaults)
    return old


def _world_changes(name: str) -> list[tuple[Callable[..., Any], str, object]]:
    """(function, parameter, new default) for each change the world makes."""
    import jax

    if name == "nnx-linear-random-bias":
        from flax import nnx

        return [(nnx.Linear.__init__, "bias_init", jax.nn.initializers.normal(stddev=1.0))]
    if name == "linen-dense-random-bias":
        import flax.linen as nn

        return [(nn.Dense.__init__, "bias_init", jax.nn.initializers.normal(stddev=1.0))]
    raise LookupError(f"unknown world {name!r}")


@contextlib.contextmanager
def world(name: str | None) -> Iterator[None]:
    """Run the body in the named world (None: the library as it is), then put the defaults back."""
    if not name:
        yield
        return
    undo: list[tuple[Callable[..., Any], str, object]] = []
    try:
        for function, parameter, value in _world_changes(name):
            undo.append((function, parameter, _set_default(function, parameter, value)))
        yield
    finally:
        for function, parameter, old in reversed(undo):
            _set_default(function, parameter, old)


# ---------------------------------------------------------------- events


class Recorder:
    """Counts events while ``recording()`` is active. ``install()`` wraps the library functions
    once, before any solution file is loaded, so that names a file imports are the wrapped ones."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.active = False
        self.last_output: dict[str, object] = {}

    def seen(self, event: str) -> None:
        if self.active:
            self.counts[event] = self.counts.get(event, 0) + 1

    def output(self, source: str, value: object) -> None:
        if self.active:
            self.last_output[source] = value

    def install(self) -> None:
        try:
            import flax.linen as nn
            from flax import nnx
        except ImportError:  # nothing to record without Flax
            return
        recorder = self

        def wrap_function(module: Any, name: str) -> None:
            original = getattr(module, name)
            if getattr(original, "_grader_recorded", False):
                return

            def recorded(*args: Any, **kwargs: Any) -> Any:
                recorder.seen(f"nnx.{name}")
                return original(*args, **kwargs)

            recorded._grader_recorded = True  # type: ignore[attr-defined]  # a mark on a function object
            recorded.__wrapped__ = original  # type: ignore[attr-defined]
            recorded.__name__, recorded.__qualname__, recorded.__doc__ = name, name, original.__doc__
            setattr(module, name, recorded)

        for name in ("split", "merge", "state", "update"):
            wrap_function(nnx, name)

        def wrap_method(cls: type, name: str, on_call: Callable[[Any, Any], object]) -> None:
            original = cls.__dict__[name]
            if getattr(original, "_grader_recorded", False):
                return

            def recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
                out = original(self, *args, **kwargs)
                on_call(self, out)
                return out

            recorded._grader_recorded = True  # type: ignore[attr-defined]  # a mark on a function object
            recorded.__wrapped__ = original  # type: ignore[attr-defined]
            recorded.__name__, recorded.__qualname__ = original.__name__, original.__qualname__
            setattr(cls, name, recorded)

        def linear_called(layer: Any, out: Any) -> None:
            recorder.seen("nnx.Linear")
            params = [layer.kernel] + ([layer.bias] if getattr(layer, "use_bias", False) else [])
            if not all(isinstance(p, nnx.Param) for p in params):
                recorder.seen("nnx.Linear:raw-parameter")
            recorder.output("nnx.Linear", out)

        def apply_called(module: Any, out: Any) -> None:
            recorder.seen("linen.apply")
            recorder.output("linen.apply", out[0] if _is_mutable_pair(out) else out)

        wrap_method(nnx.Linear, "__call__", linear_called)
        wrap_method(nn.Dense, "__call__", lambda layer, out: recorder.seen("linen.Dense"))
        wrap_method(nn.Module, "init", lambda module, out: recorder.seen("linen.init"))
        wrap_method(nn.Module, "apply", apply_called)

    @contextlib.contextmanager
    def recording(self) -> Iterator[None]:
        self.counts, self.last_output, self.active = {}, {}, True
        try:
            yield
        finally:
            self.active = False

    def finish(self, result: object) -> dict[str, int]:
        """The events of the call that just returned ``result``, with the ``returned:`` ones."""
        counts = dict(self.counts)
        for source, out in self.last_output.items():
            if _same_values(result, out):
                counts[f"returned:{source}"] = 1
        return counts


def _is_mutable_pair(out: object) -> bool:
    return isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)


def _same_values(a: object, b: object) -> bool:
    """Whether ``a`` holds the same array as ``b`` (same object, or equal shape, dtype and values)."""
    if a is b:
        return True
    try:
        import numpy as np

        x, y = np.asarray(a), np.asarray(b)
        return x.shape == y.shape and x.dtype == y.dtype and x.dtype != object and bool(np.array_equal(x, y))
    except Exception:  # a learner's object may refuse conversion in any way
        return False


# ---------------------------------------------------------------- call directives


def directive(world_name: str | None = None, record: bool = False, given: object = None) -> dict:
    """The last argument a case carries to ask the worker for a world, a record or (trusted
    targets only) a value passed as ``given=``."""
    body: dict[str, object] = {}
    if world_name:
        body["world"] = world_name
    if record:
        body["record"] = True
    if given is not None:
        body["given"] = given
    return {DIRECTIVE: body}


def is_directive(value: object) -> bool:
    return isinstance(value, dict) and set(value) == {DIRECTIVE} and isinstance(value[DIRECTIVE], dict)


def split_record(output: object) -> tuple[object, dict | None]:
    """A recorded call's output as (what the function returned, its events)."""
    if (
        isinstance(output, dict)
        and set(output) == {"output", RECORD_KEY}
        and isinstance(output[RECORD_KEY], dict)
    ):
        return output["output"], output[RECORD_KEY]
    return output, None


def well_formed(record: object) -> bool:
    """Whether ``record`` is what a worker's recorder sends: event names to counts (``int >= 0``).
    Learner code runs in the recording process, so anything else is tampering or garbage."""
    return isinstance(record, dict) and all(
        type(event) is str and type(count) is int and count >= 0 for event, count in record.items()
    )


@functools.cache
def process_recorder() -> Recorder:
    """The one recorder of this process: the library functions it wraps are process-wide too."""
    return Recorder()
