# expect: passed
# Takes the parameters with nnx.state, adds the noise with a tree map over paths, and pushes
# them back with nnx.update.
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
    params = nnx.state(model, nnx.Param)
    key = jax.random.key(int(noise_seed))

    def add_noise(path, value):
        names = [getattr(p, "key", getattr(p, "name", None)) for p in path]
        if names[:3] == ["layers", int(layer), "kernel"]:
            return value + scale * jax.random.normal(key, value.shape)
        return value

    nnx.update(model, jax.tree_util.tree_map_with_path(add_noise, params))
    return model(x) - before
