# expect: failed pitfall=kernel-not-zeroed
# Sets the bias, splits and merges, but never changes the kernel.
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n = int(features)
    model = nnx.Linear(x.shape[-1], n, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n,))
    graphdef, state = nnx.split(model)
    return nnx.merge(graphdef, state)(x)
