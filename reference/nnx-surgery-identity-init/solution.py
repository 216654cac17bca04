"""Reference solution for nnx-surgery-identity-init."""

import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    """Linear layers applied one after another, no activation."""

    def __init__(self, in_features: int, num_layers: int, features: int, *, rngs: nnx.Rngs):
        sizes = [in_features] + [features] * num_layers
        self.layers = nnx.List(
            [nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(num_layers)]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def expand_with_identity(seed, big_seed, x, small_layers, extra_layers, features):
    small_layers, extra_layers, features = int(small_layers), int(extra_layers), int(features)
    small = MLP(x.shape[-1], small_layers, features, rngs=nnx.Rngs(int(seed)))
    big = MLP(x.shape[-1], small_layers + extra_layers, features, rngs=nnx.Rngs(int(big_seed)))

    for old, new in zip(small.layers, big.layers):
        new.kernel[...] = old.kernel[...]
        new.bias[...] = old.bias[...]
    for layer in big.layers[small_layers:]:
        layer.kernel[...] = jnp.eye(features, dtype=layer.kernel.dtype)
        layer.bias[...] = jnp.zeros_like(layer.bias[...])

    return {"output": big(x), "kernels": [layer.kernel[...] for layer in big.layers]}
