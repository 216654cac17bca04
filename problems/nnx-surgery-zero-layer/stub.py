import jax
import jax.numpy as jnp
from flax import nnx


def zero_last_layer_kernel(seed, x, num_layers, features):
    """Build an MLP of `num_layers` nnx.Linear layers held in an nnx.List (the first maps
    x.shape[-1] -> features, the others features -> features, no activation), seeded with
    nnx.Rngs(seed). Zero the last layer's kernel in place, leave its bias alone, and return
    model(x): a float32 array of shape (features,).

    seed, num_layers and features arrive as Python floats; x is a 1-D float32 jax.Array.
    """
    raise NotImplementedError
