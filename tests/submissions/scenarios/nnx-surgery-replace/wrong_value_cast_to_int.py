# expect: failed pitfall=value-cast-to-int
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    seed, features, value = int(seed), int(features), int(replacement_value)
    model = nnx.Linear(x.shape[-1], features, rngs=nnx.Rngs(seed))
    model.kernel[...] = jnp.full_like(model.kernel[...], value)
    return model(x)
