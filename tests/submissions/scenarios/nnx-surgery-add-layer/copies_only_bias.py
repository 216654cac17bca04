# expect: failed pitfall=bias-only-copy
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din, n, f, rngs):
        self.layers = nnx.List([nnx.Linear(din if i == 0 else f, f, rngs=rngs) for i in range(n)])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    n_old, f = int(num_old_layers), int(features)
    small = MLP(x.shape[-1], n_old, f, nnx.Rngs(int(seed)))
    big = MLP(x.shape[-1], n_old + int(num_extra_layers), f, nnx.Rngs(int(seed) + 1000))
    for i in range(n_old):
        big.layers[i].bias[...] = small.layers[i].bias[...]  # kernel forgotten
    return big(x)
