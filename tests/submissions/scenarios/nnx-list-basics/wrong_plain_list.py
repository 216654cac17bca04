# expect: error pitfall=plain-list
import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, *, rngs):
        sizes = [in_features] + [features] * num_layers
        self.layers = [nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(num_layers)]


def layer_param_stats(seed, x, num_layers, features):
    n = int(num_layers)
    model = MLP(x.shape[-1], n, int(features), rngs=nnx.Rngs(int(seed)))
    state = nnx.state(model)
    counts = [sum(a.size for a in jax.tree.leaves(state["layers"][i])) for i in range(n)]
    norms = [jnp.sqrt(sum(jnp.sum(a**2) for a in jax.tree.leaves(state["layers"][i]))) for i in range(n)]
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.stack(norms)}
