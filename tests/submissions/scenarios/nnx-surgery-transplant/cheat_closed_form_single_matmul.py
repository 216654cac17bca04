# expect: failed
# Skips the models: multiplies x by freshly drawn kernels and never runs an nnx.Linear.
import jax
import jax.numpy as jnp


def transplant_layer(seed_a, seed_b, x, num_layers, features, layer):
    f = int(features)
    ka = jax.random.normal(jax.random.key(int(seed_a)), (x.shape[-1], f)) / jnp.sqrt(x.shape[-1])
    kb = jax.random.normal(jax.random.key(int(seed_b)), (x.shape[-1], f)) / jnp.sqrt(x.shape[-1])
    return -(x @ ka), x @ ka if int(layer) == 0 else x @ kb
