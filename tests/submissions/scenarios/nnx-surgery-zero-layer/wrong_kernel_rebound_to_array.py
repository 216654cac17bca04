# expect: failed pitfall=kernel-replaced-by-array
# Replaces the nnx.Param object with a plain array: the output is right, the parameter is gone
# from the model's state.
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, f, *, rngs):
        self.layers = nnx.List([nnx.Linear(d if i == 0 else f, f, rngs=rngs) for i in range(n)])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def zero_last_layer_kernel(seed, x, num_layers, features):
    model = MLP(x.shape[-1], int(num_layers), int(features), rngs=nnx.Rngs(int(seed)))
    last = model.layers[int(num_layers) - 1]
    last.kernel = jnp.zeros(last.kernel[...].shape)
    return model(x)
