# expect: passed
# Splits the model, edits the kernel inside the State tree, merges a new model back.
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, sizes, *, rngs):
        self.layers = nnx.List(
            [nnx.Linear(a, b, rngs=rngs) for a, b in zip(sizes[:-1], sizes[1:])]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def zero_last_layer_kernel(seed, x, num_layers, features):
    n, f = int(num_layers), int(features)
    model = MLP([x.shape[-1]] + [f] * n, rngs=nnx.Rngs(int(seed)))
    graphdef, state = nnx.split(model)
    param = state["layers"][n - 1]["kernel"]
    param.set_value(jnp.zeros(param.get_value().shape, param.get_value().dtype))
    surgered = nnx.merge(graphdef, state)
    return surgered(x)
