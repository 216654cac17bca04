"""Reference solution for nnx-surgery-transplant."""

from flax import nnx


class MLP(nnx.Module):
    """Linear layers applied one after another, no activation."""

    def __init__(self, in_features: int, num_layers: int, features: int, *, rngs: nnx.Rngs):
        sizes = [in_features] + [features] * num_layers
        self.layers = nnx.List(
            [nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(num_layers)]
        )

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


def transplant_layer(seed_a, seed_b, x, num_layers, features, layer):
    num_layers, features, layer = int(num_layers), int(features), int(layer)
    model_a = MLP(x.shape[-1], num_layers, features, rngs=nnx.Rngs(int(seed_a)))
    model_b = MLP(x.shape[-1], num_layers, features, rngs=nnx.Rngs(int(seed_b)))

    # copy the arrays into B's own Params: B keeps its Variables, A keeps its own
    source, target = model_a.layers[layer], model_b.layers[layer]
    target.kernel[...] = source.kernel[...]
    target.bias[...] = source.bias[...]

    # the proof of independence: change A's layer afterwards; B must not notice
    source.kernel[...] = -source.kernel[...]

    return model_a(x), model_b(x)
