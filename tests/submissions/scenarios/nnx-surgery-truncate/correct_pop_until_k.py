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


# pop() the last layer until k are left; reads sizes via nnx.state with the Param filter.

def truncate_layers(seed, x, num_layers, keep, features):
    k = int(keep)
    model = MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    while len(model.layers) > k:
        model.layers.pop()
    params = nnx.state(model, nnx.Param)
    return model(x), sum(p.size for p in jax.tree.leaves(params))
