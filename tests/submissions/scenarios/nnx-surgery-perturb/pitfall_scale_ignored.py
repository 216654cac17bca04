# expect: failed pitfall=scale-ignored
# Adds unit-variance noise: scale is never used.
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, f, rngs):
        sizes = [d] + [f] * n
        self.layers = nnx.List([nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(n)])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def perturb_layer(seed, x, num_layers, features, layer, noise_seed, scale):
    model = MLP(x.shape[-1], int(num_layers), int(features), nnx.Rngs(int(seed)))
    before = model(x)
    k = model.layers[int(layer)].kernel
    k[...] = k[...] + jax.random.normal(jax.random.key(int(noise_seed)), k.shape)
    return model(x) - before
