# expect: passed
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    out = int(features)
    layer = nnx.Linear(x.shape[-1], out, rngs=nnx.Rngs(int(seed)))
    layer.bias[...] = jnp.ones((out,))
    gdef, params = nnx.split(layer)

    def edit(path, leaf):
        name = jax.tree_util.keystr(path)
        return leaf * 0 if "kernel" in name else leaf

    return nnx.merge(gdef, jax.tree_util.tree_map_with_path(edit, params))(x)
