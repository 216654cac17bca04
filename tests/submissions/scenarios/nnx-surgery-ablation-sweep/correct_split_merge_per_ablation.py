# expect: passed
# Splits once, and for each ablation merges a fresh model from a State with one kernel zeroed.
import jax
import jax.numpy as jnp
from flax import nnx


class ResidualMLP(nnx.Module):
    def __init__(self, d, n, rngs):
        self.layers = nnx.List([nnx.Linear(d, d, rngs=rngs) for _ in range(n)])

    def __call__(self, h):
        for layer in self.layers:
            h = h + nnx.relu(layer(h))
        return h


def ablation_sweep(seed, x, num_layers):
    model = ResidualMLP(x.shape[-1], int(num_layers), nnx.Rngs(int(seed)))

    graphdef, state = nnx.split(model)
    baseline = jnp.linalg.norm(nnx.merge(graphdef, state)(x))
    norms = []
    for i in range(int(num_layers)):
        def zero_one(path, v, i=i):
            return jnp.zeros_like(v) if jax.tree_util.keystr(path).startswith(f"['layers'][{i}]['kernel']") else v
        edited = jax.tree_util.tree_map_with_path(zero_one, state)
        norms.append(jnp.linalg.norm(nnx.merge(graphdef, edited)(x)))
    return {"baseline": baseline, "ablated": jnp.array(norms)}
