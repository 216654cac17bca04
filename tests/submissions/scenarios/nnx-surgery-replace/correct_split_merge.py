# expect: passed
import jax.numpy as jnp
from flax import nnx


def replace_kernel(seed, x, features, replacement_value):
    model = nnx.Linear(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    graphdef, state = nnx.split(model)
    kernel = state["kernel"]
    kernel[...] = jnp.ones_like(kernel[...]) * replacement_value
    patched = nnx.merge(graphdef, state)
    return patched(x)
