import jax
import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    """Build nnx.Sequential(nnx.Linear(x.shape[-1], features), nnx.Linear(features, features))
    with one nnx.Rngs(seed), split it, and return the tuple (before, after):

    before: the model merged back from the untouched split, applied to x;
    after:  the model merged back after every entry of the first layer's bias in the State
            was set to bias_value, applied to x.

    Both are float32 arrays of x's shape with the last axis replaced by features. seed and
    features arrive as Python floats (cast with int()); bias_value is a Python float.
    """
    raise NotImplementedError
