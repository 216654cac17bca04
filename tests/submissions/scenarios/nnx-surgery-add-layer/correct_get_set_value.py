# expect: passed
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, rngs):
        self.layers = nnx.List()
        for i in range(num_layers):
            self.layers.append(nnx.Linear(in_features if i == 0 else features, features, rngs=rngs))

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    n_old = int(num_old_layers)
    total = n_old + int(num_extra_layers)
    small = MLP(x.shape[-1], n_old, int(features), nnx.Rngs(int(seed)))
    big = MLP(x.shape[-1], total, int(features), nnx.Rngs(int(seed) + 1000))
    i = 0
    while i < n_old:
        for name in ("kernel", "bias"):
            getattr(big.layers[i], name).set_value(getattr(small.layers[i], name).get_value())
        i += 1
    return big(x)
