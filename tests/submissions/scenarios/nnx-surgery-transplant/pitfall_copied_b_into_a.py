# expect: failed pitfall=copied-b-into-a
# Transplants in the wrong direction.
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, d, n, f, rngs):
        sizes = [d] + [f] * n
        self.layers = nnx.List([nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(n)])

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def transplant_layer(seed_a, seed_b, x, num_layers, features, layer):
    n, f, i = int(num_layers), int(features), int(layer)
    a = MLP(x.shape[-1], n, f, nnx.Rngs(int(seed_a)))
    b = MLP(x.shape[-1], n, f, nnx.Rngs(int(seed_b)))
    a.layers[i].kernel[...] = b.layers[i].kernel[...]
    a.layers[i].bias[...] = b.layers[i].bias[...]
    a.layers[i].kernel[...] = -a.layers[i].kernel[...]
    return a(x), b(x)
