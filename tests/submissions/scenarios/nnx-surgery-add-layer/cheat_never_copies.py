# expect: failed pitfall=old-layers-not-copied
# Builds the big model and runs it without copying anything from a small one.
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din, n, f, rngs):
        self.layers = nnx.List([nnx.Linear(din if i == 0 else f, f, rngs=rngs) for i in range(n)])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    n = int(num_old_layers) + int(num_extra_layers)
    big = MLP(x.shape[-1], n, int(features), nnx.Rngs(int(seed) + 1000))
    return big(x)
