# expect: error pitfall=seed-not-cast
# Hands the float seed to nnx.Rngs.
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
    model = MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(seed))
    model.layers[-1].kernel[...] = jnp.zeros_like(model.layers[-1].kernel[...])
    return model(x)
