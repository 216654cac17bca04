# expect: failed pitfall=closed-form
# Counts from the shapes and a zero mean: no model at all.
import jax.numpy as jnp


def split_by_type(seed, x, features):
    d, f = x.shape[-1], int(features)
    return d * f + f + 2 * f, 2 * f, jnp.zeros((f,), dtype=jnp.float32)
