# expect: failed
# The worked example's answer for every case.
import jax.numpy as jnp


def split_by_type(seed, x, features):
    return 24, 8, jnp.array([0.04043182, -0.04953118, -0.0310283, -0.03618059], dtype=jnp.float32)
