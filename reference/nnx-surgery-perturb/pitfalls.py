"""Known mistakes for nnx-surgery-perturb, each with the entry point's signature."""

import jax
import jax.numpy as jnp
from flax import nnx


def _build(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    sizes = [x.shape[-1]] + [int(features)] * int(num_layers)
    return nnx.List([nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(int(num_layers))])


def _forward(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def _noise(key_seed, shape, scale):
    return scale * jax.random.normal(jax.random.key(int(key_seed)), shape)


def noise_from_model_seed(seed, x, num_layers, features, layer, noise_seed, scale):
    layers = _build(seed, x, num_layers, features)
    before = _forward(layers, x)
    target = layers[int(layer)]
    target.kernel[...] = target.kernel[...] + _noise(seed, target.kernel.shape, scale)
    return _forward(layers, x) - before


def scale_ignored(seed, x, num_layers, features, layer, noise_seed, scale):
    layers = _build(seed, x, num_layers, features)
    before = _forward(layers, x)
    target = layers[int(layer)]
    target.kernel[...] = target.kernel[...] + _noise(noise_seed, target.kernel.shape, 1.0)
    return _forward(layers, x) - before


def perturbed_last_layer(seed, x, num_layers, features, layer, noise_seed, scale):
    layers = _build(seed, x, num_layers, features)
    before = _forward(layers, x)
    target = layers[-1]
    target.kernel[...] = target.kernel[...] + _noise(noise_seed, target.kernel.shape, scale)
    return _forward(layers, x) - before


def kernel_replaced_by_noise(seed, x, num_layers, features, layer, noise_seed, scale):
    layers = _build(seed, x, num_layers, features)
    before = _forward(layers, x)
    target = layers[int(layer)]
    target.kernel[...] = _noise(noise_seed, target.kernel.shape, scale)
    return _forward(layers, x) - before


def bias_perturbed_too(seed, x, num_layers, features, layer, noise_seed, scale):
    layers = _build(seed, x, num_layers, features)
    before = _forward(layers, x)
    target = layers[int(layer)]
    target.kernel[...] = target.kernel[...] + _noise(noise_seed, target.kernel.shape, scale)
    target.bias[...] = target.bias[...] + _noise(noise_seed, target.bias.shape, scale)
    return _forward(layers, x) - before


def returned_perturbed_output(seed, x, num_layers, features, layer, noise_seed, scale):
    layers = _build(seed, x, num_layers, features)
    target = layers[int(layer)]
    target.kernel[...] = target.kernel[...] + _noise(noise_seed, target.kernel.shape, scale)
    return _forward(layers, x)


def difference_reversed(seed, x, num_layers, features, layer, noise_seed, scale):
    layers = _build(seed, x, num_layers, features)
    before = _forward(layers, x)
    target = layers[int(layer)]
    target.kernel[...] = target.kernel[...] + _noise(noise_seed, target.kernel.shape, scale)
    return before - _forward(layers, x)


def noise_never_reaches_model(seed, x, num_layers, features, layer, noise_seed, scale):
    """The sum is computed but never written back: both passes see the same kernel."""
    layers = _build(seed, x, num_layers, features)
    before = _forward(layers, x)
    kernel = layers[int(layer)].kernel[...]
    kernel = kernel + _noise(noise_seed, kernel.shape, scale)
    return _forward(layers, x) - before
