import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    """Zero the kernel of a fresh nnx.Linear through its split State and call it.

    seed: integer-valued float, seeds nnx.Rngs.
    x: float32 jax.Array of shape (in_features,).
    features: integer-valued float, the output size.

    Build nnx.Linear(x.shape[-1], features), set its bias to ones, split it,
    zero every State leaf whose path mentions "kernel", merge, and return the
    merged model applied to x: a float32 array of shape (features,).
    """
    raise NotImplementedError
