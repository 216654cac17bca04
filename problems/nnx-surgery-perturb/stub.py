import jax
import jax.numpy as jnp
from flax import nnx


def perturb_layer(seed, x, num_layers, features, layer, noise_seed, scale):
    """Build an MLP of `num_layers` nnx.Linear layers in an nnx.List (x.shape[-1] -> features,
    then features -> features, no activation) with nnx.Rngs(seed). Add
    scale * jax.random.normal(jax.random.key(noise_seed), kernel.shape) to the kernel of layer
    `layer`, in place, and return model(x) after the change minus model(x) before it.

    seed, num_layers, features, layer and noise_seed arrive as Python floats; scale is a float;
    x is a float32 jax.Array of shape (d,) or (batch, d).
    """
    raise NotImplementedError
