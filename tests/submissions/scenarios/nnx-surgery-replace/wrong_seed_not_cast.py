# expect: error pitfall=seed-not-cast
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(seed))
    model.kernel[...] = jnp.full_like(model.kernel[...], replacement_value)
    return model(x)
