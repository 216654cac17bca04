"""Answers that do no work, loaded by a trusted worker as a solution file when ``grader
validate`` probes a case set (grader/authoring/probes.py). Each takes the entry point's arguments and
``given``, a value the grader chose for the case. Loaded by path, with the grader package off
``sys.path``: it imports nothing of the grader's."""

import jax.numpy as jnp


def constant(*args, given):
    """Return ``given`` whatever the arguments: arrays become jax arrays of their own dtype."""
    return _as_jax(given)


def argument(*args, given):
    """Return the argument at position ``given``, as received."""
    return args[int(given)]


def _as_jax(value):
    if isinstance(value, (list, tuple)):
        return type(value)(_as_jax(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_jax(v) for k, v in value.items()}
    data = getattr(value, "data", None)  # a decoded array (grader.engine.wire.ArrayValue)
    if data is not None and hasattr(value, "origin"):
        return jnp.asarray(data, dtype=data.dtype)
    return value
