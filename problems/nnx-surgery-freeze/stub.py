import jax
import jax.numpy as jnp
from flax import nnx


def freeze_and_step(seed, x, num_layers, frozen, lr):
    """Build an MLP of num_layers square nnx.Linear layers (width x.shape[-1], no activation) in
    an nnx.List with nnx.Rngs(seed). With loss = mean(model(x) ** 2), take the gradients, zero
    every gradient under layer `frozen` (use jax.tree_util.tree_map_with_path), and apply one
    SGD step p - lr * g to all parameters. Return (moved, new_loss): moved[i] is the square root
    of the summed squared change of layer i's kernel and bias, new_loss the loss after the step.

    seed, num_layers and frozen arrive as Python floats; lr is a float; x is a float32
    jax.Array of shape (d,) or (batch, d).
    """
    raise NotImplementedError
