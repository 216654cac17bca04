import jax
import jax.numpy as jnp
from flax import nnx


class MLP(nnx.Module):
    """Linear layers kept in an nnx.List, so they are in the state (no forward pass is needed here)."""

    def __init__(self, in_features, num_layers, features, *, rngs):
        sizes = [in_features] + [features] * num_layers
        self.layers = nnx.List(
            [nnx.Linear(sizes[i], sizes[i + 1], rngs=rngs) for i in range(num_layers)]
        )


def layer_param_stats(seed, x, num_layers, features):
    num_layers = int(num_layers)
    model = MLP(x.shape[-1], num_layers, int(features), rngs=nnx.Rngs(int(seed)))
    state = nnx.state(model)

    counts, norms = [], []
    for i in range(num_layers):
        leaves = jax.tree.leaves(state["layers"][i])
        counts.append(sum(a.size for a in leaves))
        norms.append(jnp.sqrt(sum(jnp.sum(a**2) for a in leaves)))
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.stack(norms)}
