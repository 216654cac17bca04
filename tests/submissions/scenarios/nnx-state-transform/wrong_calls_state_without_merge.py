# expect: error pitfall=forgot-merge
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n = int(features)
    model = nnx.Linear(x.shape[-1], n, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n,))
    graphdef, state = nnx.split(model)
    new_state = jax.tree_util.tree_map_with_path(
        lambda p, v: jnp.zeros_like(v) if "kernel" in jax.tree_util.keystr(p) else v, state)
    return new_state(x)
