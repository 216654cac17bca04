# expect: passed
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, *, rngs):
        sizes = [in_features] + [features] * num_layers
        init = nnx.initializers.variance_scaling(1.0 / num_layers, "fan_in", "truncated_normal")
        self.layers = nnx.List(
            [nnx.Linear(sizes[i], sizes[i + 1], kernel_init=init, rngs=rngs) for i in range(num_layers)]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


# del on the nnx.List; the count from the State nnx.split returns.

def truncate_layers(seed, x, num_layers, keep, features):
    model = MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    del model.layers[int(keep):]
    _, state = nnx.split(model)
    n = 0
    for leaf in jax.tree_util.tree_leaves(state):
        n += int(leaf.size)
    return (model(x), n)
