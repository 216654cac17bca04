"""Known mistakes for nnx-surgery-zero-layer, each with the entry point's signature."""

import jax.numpy as jnp
from flax import nnx


def _build(seed, in_features, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    sizes = [in_features] + [features] * num_layers
    return nnx.List(
        [nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(num_layers)]
    )


def _forward(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def kernel_not_zeroed(seed, x, num_layers, features):
    """The forward pass runs on the untouched model (no surgery, or surgery after the call)."""
    layers = _build(seed, x.shape[-1], int(num_layers), int(features))
    out = _forward(layers, x)
    last = layers[int(num_layers) - 1]
    last.kernel[...] = jnp.zeros_like(last.kernel[...])
    return out


def bias_zeroed_too(seed, x, num_layers, features):
    layers = _build(seed, x.shape[-1], int(num_layers), int(features))
    last = layers[int(num_layers) - 1]
    last.kernel[...] = jnp.zeros_like(last.kernel[...])
    last.bias[...] = jnp.zeros_like(last.bias[...])
    return _forward(layers, x)


def zeroed_first_layer(seed, x, num_layers, features):
    layers = _build(seed, x.shape[-1], int(num_layers), int(features))
    first = layers[0]
    first.kernel[...] = jnp.zeros_like(first.kernel[...])
    return _forward(layers, x)


def layers_ignore_features(seed, x, num_layers, features):
    """Every layer maps in_features -> in_features, so `features` is never used."""
    d = x.shape[-1]
    rngs = nnx.Rngs(int(seed))
    layers = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(int(num_layers))])
    last = layers[int(num_layers) - 1]
    last.kernel[...] = jnp.zeros_like(last.kernel[...])
    return _forward(layers, x)


def one_layer_too_many(seed, x, num_layers, features):
    """range(num_layers + 1) when building: the extra layer is the one zeroed."""
    layers = _build(seed, x.shape[-1], int(num_layers) + 1, int(features))
    last = layers[-1]
    last.kernel[...] = jnp.zeros_like(last.kernel[...])
    return _forward(layers, x)


def bias_zeroed_instead(seed, x, num_layers, features):
    layers = _build(seed, x.shape[-1], int(num_layers), int(features))
    last = layers[int(num_layers) - 1]
    last.bias[...] = jnp.zeros_like(last.bias[...])
    return _forward(layers, x)


def returned_last_bias(seed, x, num_layers, features):
    """Skips the forward pass: with a zero kernel the output is the bias, so return the bias."""
    layers = _build(seed, x.shape[-1], int(num_layers), int(features))
    return layers[int(num_layers) - 1].bias[...]


def kernel_replaced_by_array(seed, x, num_layers, features):
    """Rebinds the attribute to a raw array: the output is right, the Param is gone."""
    layers = _build(seed, x.shape[-1], int(num_layers), int(features))
    last = layers[int(num_layers) - 1]
    last.kernel = jnp.zeros_like(last.kernel[...])
    return _forward(layers, x)
