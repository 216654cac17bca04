import jax
import jax.numpy as jnp
import flax.linen as nn


def replace_dense_kernel(seed, x, features, replacement_value):
    """Initialise nn.Dense(features) on x with jax.random.key(seed), replace its kernel by an
    array of the same shape and dtype filled with replacement_value (keep the bias as
    initialised), and return model.apply(new_variables, x): a float32 array of x's shape with
    the last axis replaced by features.

    seed and features arrive as Python floats (cast with int()); replacement_value is a
    Python float; x is a float32 array of shape (n,) or (batch, n).
    """
    raise NotImplementedError
