import jax
import jax.numpy as jnp
from flax import nnx


def expand_with_identity(seed, big_seed, x, small_layers, extra_layers, features):
    """Build a small MLP (small_layers nnx.Linear layers in an nnx.List, x.shape[-1] ->
    features then features -> features, no activation) with nnx.Rngs(seed), and a big one of
    the same kind with small_layers + extra_layers layers and nnx.Rngs(big_seed). Copy the
    small model's kernels and biases into the big model's first layers; give each new layer
    the identity kernel and a zero bias. Return
    {"output": big(x), "kernels": [kernel array of each big layer, in order]}.

    The seeds and sizes arrive as Python floats; x is a float32 jax.Array of shape (d,) or
    (batch, d).
    """
    raise NotImplementedError
