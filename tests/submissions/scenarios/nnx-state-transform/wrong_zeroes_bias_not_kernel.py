# expect: failed pitfall=bias-zeroed-instead
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n = int(features)
    model = nnx.Linear(x.shape[-1], n, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n,))
    graphdef, state = nnx.split(model)
    state = jax.tree_util.tree_map_with_path(
        lambda p, v: v if p[0].key == "kernel" else jnp.zeros_like(v), state)
    return nnx.merge(graphdef, state)(x)
