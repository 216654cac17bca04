# expect: failed pitfall=kernel-not-zeroed
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n = int(features)
    model = nnx.Linear(x.shape[-1], n, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n,))
    graphdef, state = nnx.split(model)

    def zero_kernel(path, leaf):
        if "kernel" in path:          # path holds key objects, never the str
            return jnp.zeros_like(leaf)
        return leaf

    state = jax.tree_util.tree_map_with_path(zero_kernel, state)
    return nnx.merge(graphdef, state)(x)
