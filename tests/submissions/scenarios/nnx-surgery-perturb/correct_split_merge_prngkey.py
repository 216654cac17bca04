# expect: passed
# Edits the kernel inside the State from nnx.split, merges a new model, and uses the raw
# jax.random.PRNGKey, which draws the same numbers as jax.random.key.
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
    graphdef, state = nnx.split(model)
    before = model(x)
    param = state["layers"][int(layer)]["kernel"]
    noise = jax.random.normal(jax.random.PRNGKey(int(noise_seed)), param[...].shape) * scale
    param[...] = param[...] + noise
    edited = nnx.merge(graphdef, state)
    return edited(x) - before
