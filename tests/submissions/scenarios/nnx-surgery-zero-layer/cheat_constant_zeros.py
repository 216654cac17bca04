# expect: failed
# Does no work at all: never imports Flax and returns the answer the usual defaults give.
import jax.numpy as jnp


def zero_last_layer_kernel(seed, x, num_layers, features):
    return jnp.zeros((int(features),), jnp.float32)
