# expect: error pitfall=kernel-shape-flipped-write
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model.kernel[...] = jnp.full((int(features), x.shape[-1]), replacement_value)
    return model(x)
