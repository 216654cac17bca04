# expect: failed pitfall=bias-perturbed-too
# Adds noise from the same key to the bias as well.
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
    lin = model.layers[int(layer)]
    key = jax.random.key(int(noise_seed))
    lin.kernel[...] = lin.kernel[...] + scale * jax.random.normal(key, lin.kernel.shape)
    lin.bias[...] = lin.bias[...] + scale * jax.random.normal(key, lin.bias.shape)
    return model(x) - before
