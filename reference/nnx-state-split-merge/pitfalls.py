"""Known mistakes for nnx-state-split-merge, each with the entry point's signature."""

import jax
import jax.numpy as jnp
from flax import nnx


def _split(seed, x, features):
    f = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=rngs), nnx.Linear(f, f, rngs=rngs))
    graphdef, state = nnx.split(model)
    return model, graphdef, state


def _set(param, value):
    param[...] = jnp.full_like(param[...], value)


def edit_before_first_output(seed, x, features, bias_value):
    # Edits the State first, then calls the original model for "before": the State shares
    # the model's Params, so both outputs carry the edit.
    model, graphdef, state = _split(seed, x, features)
    _set(state["layers"][0]["bias"], bias_value)
    return model(x), nnx.merge(graphdef, state)(x)


def edit_not_merged(seed, x, features, bias_value):
    # Builds an edited copy of the State but merges the old one.
    model, graphdef, state = _split(seed, x, features)
    before = nnx.merge(graphdef, state)(x)
    new_state = jax.tree.map(lambda a: a, state)
    _set(new_state["layers"][0]["bias"], bias_value)
    return before, nnx.merge(graphdef, state)(x)


def last_layer_bias(seed, x, features, bias_value):
    model, graphdef, state = _split(seed, x, features)
    before = nnx.merge(graphdef, state)(x)
    _set(state["layers"][1]["bias"], bias_value)
    return before, nnx.merge(graphdef, state)(x)


def bias_value_added(seed, x, features, bias_value):
    model, graphdef, state = _split(seed, x, features)
    before = nnx.merge(graphdef, state)(x)
    bias = state["layers"][0]["bias"]
    bias[...] = bias[...] + bias_value
    return before, nnx.merge(graphdef, state)(x)


def rngs_per_layer(seed, x, features, bias_value):
    f = int(features)
    model = nnx.Sequential(
        nnx.Linear(x.shape[-1], f, rngs=nnx.Rngs(int(seed))),
        nnx.Linear(f, f, rngs=nnx.Rngs(int(seed))),
    )
    graphdef, state = nnx.split(model)
    before = nnx.merge(graphdef, state)(x)
    _set(state["layers"][0]["bias"], bias_value)
    return before, nnx.merge(graphdef, state)(x)


def first_layer_only(seed, x, features, bias_value):
    # Returns the first layer's output (the edited layer) instead of the whole model's.
    model, graphdef, state = _split(seed, x, features)
    before = nnx.merge(graphdef, state).layers[0](x)
    _set(state["layers"][0]["bias"], bias_value)
    return before, nnx.merge(graphdef, state).layers[0](x)
