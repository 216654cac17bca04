# expect: passed
import jax
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, din, n, f, *, rngs):
        self.layers = nnx.List(
            [nnx.Linear(din, f, rngs=rngs)] + [nnx.Linear(f, f, rngs=rngs) for _ in range(n - 1)]
        )

    def __call__(self, x):
        out = x
        for k in range(len(self.layers)):
            out = self.layers[k](out)
        return out


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    n_old = int(num_old_layers)
    f = int(features)
    small = MLP(x.shape[-1], n_old, f, rngs=nnx.Rngs(int(seed)))
    big = MLP(x.shape[-1], n_old + int(num_extra_layers), f, rngs=nnx.Rngs(int(seed) + 1000))
    graphdef, big_state = nnx.split(big)
    _, small_state = nnx.split(small)
    for i in range(n_old):
        big_state["layers"][i] = small_state["layers"][i]
    warm = nnx.merge(graphdef, big_state)
    return warm(x)
