"""Reference solution for nnx-surgery-perturb."""

import jax
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


def perturb_layer(seed, x, num_layers, features, layer, noise_seed, scale):
    model = MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    before = model(x)

    target = model.layers[int(layer)]
    noise = scale * jax.random.normal(jax.random.key(int(noise_seed)), target.kernel.shape)
    target.kernel[...] = target.kernel[...] + noise

    after = model(x)
    return after - before
