import jax
import jax.numpy as jnp
import flax.linen as nn


def zero_last_dense_kernel(seed, x, num_layers, features):
    """Zero the kernel of the last Dense layer of an MLP and run the MLP.

    seed, num_layers and features arrive as Python floats; cast them with int().
    x is a float32 array of shape (N, in_dim).

    The MLP is num_layers layers of nn.Dense(features); the last one uses
    bias_init=nn.initializers.ones, the others keep the default zero bias.
    Initialise it with jax.random.PRNGKey(seed) on x, replace the last layer's
    kernel by zeros (keep its bias, do not change the original params), and
    return the output of apply on x: a float32 array of shape (N, features).
    """
    raise NotImplementedError
