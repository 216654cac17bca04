# expect: failed pitfall=counts-arrays-not-values
import jax
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    rngs = nnx.Rngs(int(seed))
    f, n = int(features), int(num_layers)
    layers = nnx.List([nnx.Linear(x.shape[-1] if i == 0 else f, f, rngs=rngs) for i in range(n)])
    state = nnx.state(layers)
    counts, norms = [], []
    for i in range(n):
        leaves = jax.tree.leaves(state[i])
        counts.append(len(leaves))
        norms.append(jnp.sqrt(sum((a * a).sum() for a in leaves)))
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.stack(norms)}
