import jax
import jax.numpy as jnp
from flax import nnx


def transplant_layer(seed_a, seed_b, x, num_layers, features, layer):
    """Build two MLPs of `num_layers` nnx.Linear layers in an nnx.List (x.shape[-1] -> features,
    then features -> features, no activation): A with nnx.Rngs(seed_a), B with nnx.Rngs(seed_b).
    Copy the kernel and bias of layer `layer` from A into B. Then flip the sign of A's kernel
    at that layer in place, and return (model_a(x), model_b(x)).

    seed_a, seed_b, num_layers, features and layer arrive as Python floats; x is a float32
    jax.Array of shape (d,) or (batch, d).
    """
    raise NotImplementedError
