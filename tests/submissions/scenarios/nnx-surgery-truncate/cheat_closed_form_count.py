# expect: failed
# Count from the shapes, zeros for the output: no model at all.
import jax.numpy as jnp


def truncate_layers(seed, x, num_layers, keep, features):
    d, f, k = x.shape[-1], int(features), int(keep)
    count = d * f + f + (k - 1) * (f * f + f)
    return jnp.zeros(x.shape[:-1] + (f,), jnp.float32), count
