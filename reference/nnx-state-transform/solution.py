import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n_out = int(features)
    model = nnx.Linear(x.shape[-1], n_out, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n_out,), dtype=jnp.float32)

    graphdef, state = nnx.split(model)

    def zero_if_kernel(path, leaf):
        # path looks like (DictKey(key='kernel'), GetAttrKey(name='value'))
        if "kernel" in jax.tree_util.keystr(path):
            return jnp.zeros_like(leaf)
        return leaf

    new_state = jax.tree_util.tree_map_with_path(zero_if_kernel, state)
    merged = nnx.merge(graphdef, new_state)
    return merged(x)
