# expect: failed pitfall=param-wrapper-replaced
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    # Drops the nnx.Param wrapper; nnx.Linear still uses the raw array, so the
    # output is right, but the kernel is no longer part of the model's state.
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model.kernel = jnp.full((x.shape[-1], int(features)), replacement_value)
    return model(x)
