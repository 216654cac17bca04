"""Known mistakes for nnx-surgery-identity-init, each with the entry point's signature."""

import jax.numpy as jnp
from flax import nnx


def _build(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    sizes = [x.shape[-1]] + [int(features)] * int(num_layers)
    return nnx.List([nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(int(num_layers))])


def _answer(layers, x):
    h = x
    for layer in layers:
        h = layer(h)
    return {"output": h, "kernels": [layer.kernel[...] for layer in layers]}


def _expand(seed, big_seed, x, small_layers, extra_layers, features, copy=("kernel", "bias"),
            copied=None, new_kernel="eye", zero_bias=True):
    n, e, f = int(small_layers), int(extra_layers), int(features)
    small = _build(seed, x, n, f)
    big = _build(big_seed, x, n + e, f)
    for i in range(n if copied is None else copied):
        for name in copy:
            getattr(big[i], name)[...] = getattr(small[i], name)[...]
    for layer in list(big)[n:]:
        if new_kernel == "eye":
            layer.kernel[...] = jnp.eye(f)
        elif new_kernel == "ones":
            layer.kernel[...] = jnp.ones((f, f))
        if zero_bias:
            layer.bias[...] = jnp.zeros((f,))
    return _answer(big, x)


def ones_kernel(seed, big_seed, x, small_layers, extra_layers, features):
    return _expand(seed, big_seed, x, small_layers, extra_layers, features, new_kernel="ones")


def new_layers_left_as_built(seed, big_seed, x, small_layers, extra_layers, features):
    return _expand(seed, big_seed, x, small_layers, extra_layers, features, new_kernel=None, zero_bias=False)


def new_bias_not_zeroed(seed, big_seed, x, small_layers, extra_layers, features):
    return _expand(seed, big_seed, x, small_layers, extra_layers, features, zero_bias=False)


def kernels_only_copied(seed, big_seed, x, small_layers, extra_layers, features):
    return _expand(seed, big_seed, x, small_layers, extra_layers, features, copy=("kernel",))


def nothing_copied(seed, big_seed, x, small_layers, extra_layers, features):
    return _expand(seed, big_seed, x, small_layers, extra_layers, features, copied=0)


def one_layer_short(seed, big_seed, x, small_layers, extra_layers, features):
    return _expand(seed, big_seed, x, small_layers, extra_layers, features, copied=int(small_layers) - 1)
