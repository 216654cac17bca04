# expect: error pitfall=kernel-set-to-scalar
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model.kernel.set_value(jnp.asarray(replacement_value))
    return model(x)
