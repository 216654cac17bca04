"""Known mistakes for flax-surgery-replace, each with the entry point's signature."""

import jax
import jax.numpy as jnp
import flax.linen as nn


def _init(seed, x, features):
    model = nn.Dense(int(features))
    return model, model.init(jax.random.key(int(seed)), x)["params"]


def _apply_with(model, params, x, **changes):
    return model.apply({"params": {**params, **changes}}, x)


def value_cast_to_int(seed, x, features, replacement_value):
    model, params = _init(seed, x, features)
    return _apply_with(model, params, x, kernel=jnp.full_like(params["kernel"], int(replacement_value)))


def bias_filled_too(seed, x, features, replacement_value):
    model, params = _init(seed, x, features)
    return _apply_with(model, params, x,
                       kernel=jnp.full_like(params["kernel"], replacement_value),
                       bias=jnp.full_like(params["bias"], replacement_value))


def bias_zeroed(seed, x, features, replacement_value):
    model, params = _init(seed, x, features)
    return _apply_with(model, params, x,
                       kernel=jnp.full_like(params["kernel"], replacement_value),
                       bias=jnp.zeros_like(params["bias"]))


def kernel_scaled(seed, x, features, replacement_value):
    model, params = _init(seed, x, features)
    return _apply_with(model, params, x, kernel=params["kernel"] * replacement_value)


def old_variables_applied(seed, x, features, replacement_value):
    # The new tree is built, but apply gets the variables init returned.
    model = nn.Dense(int(features))
    variables = model.init(jax.random.key(int(seed)), x)
    params = variables["params"]
    _ = {"params": {**params, "kernel": jnp.full_like(params["kernel"], replacement_value)}}
    return model.apply(variables, x)


def closed_form(seed, x, features, replacement_value):
    """Skips the model: every output is sum(row) * replacement_value."""
    total = jnp.sum(x, axis=-1, keepdims=True) * replacement_value
    return jnp.broadcast_to(total, x.shape[:-1] + (int(features),)).astype(jnp.float32)


def manual_matmul(seed, x, features, replacement_value):
    """Does the surgery, then computes the layer by hand instead of applying the model."""
    model, params = _init(seed, x, features)
    return x @ jnp.full_like(params["kernel"], replacement_value) + params["bias"]
