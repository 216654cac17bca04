# expect: passed
# The statement's own route: index num_layers - 1 and a [...] write of zeros_like.
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, *, rngs):
        self.layers = nnx.List([nnx.Linear(in_features, features, rngs=rngs)])
        for _ in range(num_layers - 1):
            self.layers.append(nnx.Linear(features, features, rngs=rngs))

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def zero_last_layer_kernel(seed, x, num_layers, features):
    n = int(num_layers)
    model = MLP(x.shape[-1], n, int(features), rngs=nnx.Rngs(int(seed)))
    last = model.layers[n - 1]
    last.kernel[...] = jnp.zeros_like(last.kernel[...])
    return model(x)
