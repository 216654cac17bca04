# expect: passed
# The other idiom: take the Param State with nnx.state, zero the kernel leaves by path, and push
# the new State back into the model with nnx.update.
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    n = int(features)
    model = nnx.Linear(x.shape[-1], n, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((n,))
    params = nnx.state(model, nnx.Param)
    params = jax.tree_util.tree_map_with_path(
        lambda path, leaf: jnp.zeros_like(leaf) if "kernel" in jax.tree_util.keystr(path) else leaf, params)
    nnx.update(model, params)
    return model(x)
