# expect: failed pitfall=kernel-not-replaced
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    # Treats the edit as if it had to happen on a copy, then runs the original.
    edited = nnx.clone(model)
    edited.kernel[...] = jnp.full_like(edited.kernel[...], replacement_value)
    return model(x)
