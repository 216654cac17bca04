# expect: passed
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din, n, f, rngs):
        layers = []
        for i in range(n):
            layers.append(nnx.Linear(din if i == 0 else f, f, rngs=rngs))
        self.layers = nnx.List(layers)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    seed = int(seed)
    n_old = int(num_old_layers)
    n_new = n_old + int(num_extra_layers)
    f = int(features)
    small = MLP(x.shape[-1], n_old, f, nnx.Rngs(seed))
    big = MLP(x.shape[-1], n_new, f, nnx.Rngs(seed + 1000))
    # small's state only has layers 0..n_old-1, so update leaves the tail untouched
    nnx.update(big, nnx.state(small))
    return big(x)
