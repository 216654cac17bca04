import jax
import jax.numpy as jnp
import flax.linen as nn


def warm_start(seed_small, seed_big, x, small_layers, big_layers, features):
    """Two Linen MLPs of nn.Dense(features) layers, no activation: a small one with
    small_layers layers initialised with jax.random.key(seed_small), a big one with big_layers
    layers initialised with jax.random.key(seed_big). Overlay the small model's Dense_0 ..
    Dense_{small_layers-1} parameters onto the big model's and return
    (merged_params, big.apply({"params": merged_params}, x)).

    The seeds and sizes arrive as Python floats; x is a float32 jax.Array of shape (d,) or
    (batch, d).
    """
    raise NotImplementedError
