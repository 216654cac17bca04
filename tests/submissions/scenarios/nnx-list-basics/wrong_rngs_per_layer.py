# expect: failed pitfall=rngs-per-layer
import jax
import jax.numpy as jnp
from flax import nnx


def layer_param_stats(seed, x, num_layers, features):
    f, n = int(features), int(num_layers)
    layers = nnx.List([
        nnx.Linear(x.shape[-1] if i == 0 else f, f, rngs=nnx.Rngs(int(seed))) for i in range(n)
    ])
    state = nnx.state(layers)
    counts, norms = [], []
    for i in range(n):
        leaves = jax.tree.leaves(state[i])
        counts.append(sum(a.size for a in leaves))
        norms.append(jnp.sqrt(sum(jnp.sum(a**2) for a in leaves)))
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.stack(norms)}
