"""Known mistakes for nnx-state-filter, each with the entry point's signature."""

import jax
import jax.numpy as jnp
from flax import nnx


class _Net(nnx.Module):
    def __init__(self, in_features, features, *, rngs):
        self.linear = nnx.Linear(in_features, features, rngs=rngs)
        self.norm = nnx.BatchNorm(features, rngs=rngs)

    def __call__(self, x):
        return self.norm(self.linear(x))


def _model(seed, x, features, calls=1):
    model = _Net(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    for _ in range(calls):
        model(x)
    return model


def _size(tree):
    return sum(a.size for a in jax.tree.leaves(tree))


def never_called(seed, x, features):
    # The statistics only move in a forward pass: without one the mean is still zeros.
    model = _model(seed, x, features, calls=0)
    _, params, stats = nnx.split(model, nnx.Param, nnx.BatchStat)
    return _size(params), _size(stats), stats["norm"]["mean"][...]


def called_twice(seed, x, features):
    model = _model(seed, x, features, calls=2)
    _, params, stats = nnx.split(model, nnx.Param, nnx.BatchStat)
    return _size(params), _size(stats), stats["norm"]["mean"][...]


def counts_swapped(seed, x, features):
    # Filters given as (BatchStat, Param) but unpacked as (params, stats).
    model = _model(seed, x, features)
    _, params, stats = nnx.split(model, nnx.BatchStat, nnx.Param)
    return _size(params), _size(stats), params["norm"]["mean"][...]


def split_by_layer(seed, x, features):
    # Everything in the BatchNorm counted as statistics: its scale and bias are Params.
    model = _model(seed, x, features)
    state = nnx.state(model)
    return _size(state["linear"]), _size(state["norm"]), state["norm"]["mean"][...]


def counts_arrays(seed, x, features):
    model = _model(seed, x, features)
    _, params, stats = nnx.split(model, nnx.Param, nnx.BatchStat)
    return len(jax.tree.leaves(params)), len(jax.tree.leaves(stats)), stats["norm"]["mean"][...]


def variable_filter_takes_all(seed, x, features):
    # nnx.Variable matches every variable type, so nothing is left for the second filter.
    model = _model(seed, x, features)
    _, params, stats = nnx.split(model, nnx.Variable, nnx.BatchStat)
    return _size(params), _size(stats), model.norm.mean[...]


def batch_mean_not_running(seed, x, features):
    # The mean of this batch's activations, not the running average BatchNorm keeps.
    model = _model(seed, x, features)
    _, params, stats = nnx.split(model, nnx.Param, nnx.BatchStat)
    return _size(params), _size(stats), jnp.mean(model.linear(x), axis=0)


def closed_form(seed, x, features):
    """Skips the model: counts from the shapes, a zero mean."""
    d, f = x.shape[-1], int(features)
    return d * f + 3 * f, 2 * f, jnp.zeros((f,), jnp.float32)
