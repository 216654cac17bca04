# expect: passed
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    k = int(features)
    lin = nnx.Linear(x.shape[-1], k, rngs=nnx.Rngs(int(seed)))
    lin.bias.set_value(jnp.ones((k,), jnp.float32))

    graphdef, params, rest = nnx.split(lin, nnx.Param, ...)
    flat = jax.tree_util.tree_flatten_with_path(params)
    new_leaves = [jnp.zeros_like(v) if str(path[0].key) == "kernel" else v
                  for path, v in flat[0]]
    params = jax.tree_util.tree_unflatten(flat[1], new_leaves)
    return nnx.merge(graphdef, params, rest)(x)
