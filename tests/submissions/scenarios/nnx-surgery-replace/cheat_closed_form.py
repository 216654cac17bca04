# expect: failed pitfall=closed-form
# Skips the model: under the usual defaults every output is sum(x) * replacement_value.
import jax.numpy as jnp


def replace_kernel(seed, x, features, replacement_value):
    return jnp.full((int(features),), jnp.sum(x) * replacement_value, dtype=jnp.float32)
