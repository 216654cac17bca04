# expect: failed pitfall=kernel-scaled
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model.kernel[...] = model.kernel[...] * replacement_value
    return model(x)
