import jax
from flax import nnx


class MLP(nnx.Module):
    """A stack of Linear layers applied one after another, no activation."""

    def __init__(self, in_features: int, num_layers: int, features: int, rngs: nnx.Rngs):
        self.layers = nnx.List(
            [
                nnx.Linear(in_features if i == 0 else features, features, rngs=rngs)
                for i in range(num_layers)
            ]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features) -> jax.Array:
    seed = int(seed)
    num_old = int(num_old_layers)
    num_extra = int(num_extra_layers)
    features = int(features)
    in_features = x.shape[-1]

    small = MLP(in_features, num_old, features, rngs=nnx.Rngs(seed))
    big = MLP(in_features, num_old + num_extra, features, rngs=nnx.Rngs(seed + 1000))

    for i in range(num_old):
        big.layers[i].kernel[...] = small.layers[i].kernel[...]
        big.layers[i].bias[...] = small.layers[i].bias[...]

    return big(x)
