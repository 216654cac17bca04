import jax
import jax.numpy as jnp
from flax import nnx


def ablation_sweep(seed, x, num_layers):
    """Build a residual MLP of num_layers square nnx.Linear layers (width x.shape[-1]) in an
    nnx.List with nnx.Rngs(seed); its forward pass is h = h + relu(layer(h)) for each layer in
    order. Return {"baseline": norm of model(x), "ablated": array of num_layers norms}, where
    entry i is the norm of model(x) with layer i's kernel zeroed and every other layer intact.
    Norms are jnp.linalg.norm over all entries of the output.

    seed and num_layers arrive as Python floats; x is a float32 jax.Array of shape (d,) or
    (batch, d).
    """
    raise NotImplementedError
