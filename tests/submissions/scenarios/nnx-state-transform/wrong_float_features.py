# expect: error pitfall=float-shape
import jax
import jax.numpy as jnp
from flax import nnx


def state_zero_kernel(seed, x, features):
    model = nnx.Linear(x.shape[-1], features, rngs=nnx.Rngs(int(seed)))
    model.bias[...] = jnp.ones((features,))
    graphdef, state = nnx.split(model)
    state = jax.tree_util.tree_map_with_path(
        lambda p, v: jnp.zeros_like(v) if "kernel" in jax.tree_util.keystr(p) else v, state)
    return nnx.merge(graphdef, state)(x)
