import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    """Build nnx.Linear(x.shape[-1], features) seeded with `seed`, fill its kernel
    with `replacement_value` (same shape and dtype, bias left as initialised),
    and return the model applied to `x`: a float32 array of shape (features,).

    seed and features arrive as Python floats (3 arrives as 3.0); x is a 1-D
    float32 jax.Array; replacement_value is a Python float.
    """
    raise NotImplementedError
