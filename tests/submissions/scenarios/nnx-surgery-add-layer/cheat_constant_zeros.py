# expect: failed
# Does no work: returns zeros of the output's shape.
import jax.numpy as jnp


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    return jnp.zeros((int(features),), jnp.float32)
