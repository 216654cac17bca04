# expect: failed pitfall=closed-form
# Skips the model: under the usual defaults every output is sum(row) * replacement_value.
import jax.numpy as jnp


def replace_dense_kernel(seed, x, features, replacement_value):
    s = x.sum(axis=-1, keepdims=True) * replacement_value
    return jnp.repeat(s, int(features), axis=-1).astype(jnp.float32)
