# expect: failed pitfall=kernel-not-replaced
# Builds the layer and calls it without touching the kernel.
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    return model(x)
