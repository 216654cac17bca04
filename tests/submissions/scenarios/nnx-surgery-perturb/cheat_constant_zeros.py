# expect: failed
# Does no work: never builds a model and says nothing moved.
import jax.numpy as jnp


def perturb_layer(seed, x, num_layers, features, layer, noise_seed, scale):
    return jnp.zeros(x.shape[:-1] + (int(features),), jnp.float32)
