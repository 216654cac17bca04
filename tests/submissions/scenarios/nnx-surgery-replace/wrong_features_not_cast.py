# expect: error pitfall=features-not-cast
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], features, rngs=nnx.Rngs(int(seed)))
    model.kernel[...] = jnp.full_like(model.kernel[...], replacement_value)
    return model(x)
