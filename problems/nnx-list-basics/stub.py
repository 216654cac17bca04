import jax
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    """Build an MLP of num_layers nnx.Linear layers kept in an nnx.List (the first maps
    x.shape[-1] to features, the others features to features), seeded with one
    nnx.Rngs(seed). Read its state with nnx.state and return

        {"counts": int32 array (num_layers,), "norms": float32 array (num_layers,)}

    where counts[i] is how many numbers layer i's parameters hold and norms[i] is the
    square root of the sum of their squares.

    seed, num_layers and features arrive as Python floats (3 arrives as 3.0).
    """
    raise NotImplementedError
