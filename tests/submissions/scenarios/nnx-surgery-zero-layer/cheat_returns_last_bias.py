# expect: failed pitfall=returned-last-bias
# Builds the model but skips the surgery and the forward pass: returns the last layer's bias,
# which is what a zeroed last layer would output.
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
    return model.layers[-1].bias[...]
