# expect: failed pitfall=bias-zeroed-too
# Zeroes the last bias as well as its kernel. Under the usual defaults the bias is already zero,
# but a hidden case with other defaults shows the difference.
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, f, *, rngs):
        self.layers = nnx.List(
            [nnx.Linear(d if i == 0 else f, f, rngs=rngs) for i in range(n)]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def zero_last_layer_kernel(seed, x, num_layers, features):
    n = int(num_layers)
    model = MLP(x.shape[-1], n, int(features), rngs=nnx.Rngs(int(seed)))
    last = model.layers[n - 1]
    last.kernel[...] = jnp.zeros_like(last.kernel[...])
    last.bias[...] = jnp.zeros_like(last.bias[...])
    return model(x)
