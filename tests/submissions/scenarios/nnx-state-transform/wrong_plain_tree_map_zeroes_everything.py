# expect: failed pitfall=bias-not-ones
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n = int(features)
    model = nnx.Linear(x.shape[-1], n, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n,))
    graphdef, state = nnx.split(model)
    state = jax.tree_util.tree_map(lambda v: v * 0.0, state)
    return nnx.merge(graphdef, state)(x)
