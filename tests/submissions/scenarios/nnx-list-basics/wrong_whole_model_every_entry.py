# expect: failed pitfall=whole-model-every-entry
import jax
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    f, n = int(features), int(num_layers)
    layers = nnx.List([nnx.Linear(x.shape[-1] if i == 0 else f, f, rngs=rngs) for i in range(n)])
    leaves = jax.tree.leaves(nnx.state(layers))
    count = sum(a.size for a in leaves)
    norm = jnp.sqrt(sum(jnp.sum(a**2) for a in leaves))
    return {"counts": jnp.full((n,), count, dtype=jnp.int32), "norms": jnp.full((n,), norm)}
