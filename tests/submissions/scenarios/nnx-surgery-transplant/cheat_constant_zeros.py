# expect: failed
# Does no work: two arrays of zeros of the output's shape.
import jax.numpy as jnp


def transplant_layer(seed_a, seed_b, x, num_layers, features, layer):
    out = jnp.zeros(x.shape[:-1] + (int(features),), jnp.float32)
    return out, out
