# expect: passed
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    # Drops the nnx.Param wrapper; nnx.Linear still uses the raw array, so the
    # output is the same (equivalent pitfall param-wrapper-replaced).
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model.kernel = jnp.full((x.shape[-1], int(features)), replacement_value)
    return model(x)
