# expect: error pitfall=plain-python-list
# Keeps the layers in a plain Python list, which this Flax version rejects at construction.
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, f, *, rngs):
        self.layers = [nnx.Linear(d if i == 0 else f, f, rngs=rngs) for i in range(n)]

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
