# expect: passed
# The statement's route, writing through [...] with a fill built by full_like.
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model.kernel[...] = jnp.full_like(model.kernel[...], replacement_value)
    return model(x)
