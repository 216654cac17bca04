# expect: failed pitfall=layers-ignore-features
# Builds every layer as d -> d, so the output has x's length whatever `features` says.
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, *, rngs):
        self.layers = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(n)])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def zero_last_layer_kernel(seed, x, num_layers, features):
    model = MLP(x.shape[-1], int(num_layers), rngs=nnx.Rngs(int(seed)))
    model.layers[-1].kernel[...] = jnp.zeros_like(model.layers[-1].kernel[...])
    return model(x)
