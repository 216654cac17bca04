"""Reference solution for nnx-surgery-zero-layer."""

import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    """A stack of Linear layers applied one after another, no activation."""

    def __init__(self, in_features: int, num_layers: int, features: int, *, rngs: nnx.Rngs):
        sizes = [in_features] + [features] * num_layers
        self.layers = nnx.List(
            [nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(num_layers)]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def zero_last_layer_kernel(seed, x, num_layers, features):
    num_layers = int(num_layers)
    features = int(features)
    model = MLP(x.shape[-1], num_layers, features, rngs=nnx.Rngs(int(seed)))

    last = model.layers[num_layers - 1]
    last.kernel[...] = jnp.zeros_like(last.kernel[...])

    return model(x)
