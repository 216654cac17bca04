# expect: failed
# The worked example's answer for every case.
import jax.numpy as jnp


def cast_to_bfloat16(seed, x, features):
    return {"output": jnp.array([1.66406, 1.73438, -0.542969, -1.01562], dtype=jnp.bfloat16),
            "calls": jnp.array(1, dtype=jnp.int32)}
