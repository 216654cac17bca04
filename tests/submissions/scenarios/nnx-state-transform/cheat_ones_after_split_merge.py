# expect: failed
# Goes through split and merge for show, then returns ones instead of calling the model.
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n = int(features)
    model = nnx.Linear(x.shape[-1], n, rngs=nnx.Rngs(int(seed)))
    graphdef, state = nnx.split(model)
    nnx.merge(graphdef, state)
    return jnp.ones((n,))
