# expect: failed
# Does no work: the answer is all ones, so return ones.
import jax.numpy as jnp


def state_zero_kernel(seed, x, features):
    return jnp.ones((int(features),), jnp.float32)
