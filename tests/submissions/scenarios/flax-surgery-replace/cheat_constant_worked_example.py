# expect: failed
# The worked example's answer for every case.
import jax.numpy as jnp


def replace_dense_kernel(seed, x, features, replacement_value):
    return jnp.array([[3.0, 3.0, 3.0, 3.0], [0.5, 0.5, 0.5, 0.5]], dtype=jnp.float32)
