"""Known mistakes for nnx-list-basics, each with the entry point's signature."""

import jax
import jax.numpy as jnp
from flax import nnx


class _MLP(nnx.Module):
    def __init__(self, in_features, num_layers, features, *, seed, rngs_per_layer=False):
        sizes = [in_features] + [features] * num_layers
        shared = nnx.Rngs(seed)
        self.layers = nnx.List([
            nnx.Linear(sizes[i], sizes[i + 1], rngs=nnx.Rngs(seed) if rngs_per_layer else shared)
            for i in range(num_layers)
        ])


def _layer_leaves(seed, x, num_layers, features, rngs_per_layer=False):
    n = int(num_layers)
    model = _MLP(x.shape[-1], n, int(features), seed=int(seed), rngs_per_layer=rngs_per_layer)
    state = nnx.state(model)
    return [state["layers"][i] for i in range(n)]


def _stats(per_layer_leaves, squared=False):
    counts = [sum(a.size for a in leaves) for leaves in per_layer_leaves]
    sums = [sum(jnp.sum(a**2) for a in leaves) for leaves in per_layer_leaves]
    norms = sums if squared else [jnp.sqrt(s) for s in sums]
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.stack(norms)}


def kernel_only(seed, x, num_layers, features):
    layers = _layer_leaves(seed, x, num_layers, features)
    return _stats([[layer["kernel"][...]] for layer in layers])


def counts_arrays_not_values(seed, x, num_layers, features):
    layers = _layer_leaves(seed, x, num_layers, features)
    out = _stats([jax.tree.leaves(layer) for layer in layers])
    out["counts"] = jnp.array([len(jax.tree.leaves(layer)) for layer in layers], dtype=jnp.int32)
    return out


def rngs_per_layer(seed, x, num_layers, features):
    layers = _layer_leaves(seed, x, num_layers, features, rngs_per_layer=True)
    return _stats([jax.tree.leaves(layer) for layer in layers])


def squared_norm(seed, x, num_layers, features):
    layers = _layer_leaves(seed, x, num_layers, features)
    return _stats([jax.tree.leaves(layer) for layer in layers], squared=True)


def whole_model_every_entry(seed, x, num_layers, features):
    # Reads the whole state for every layer instead of state["layers"][i].
    layers = _layer_leaves(seed, x, num_layers, features)
    everything = [a for layer in layers for a in jax.tree.leaves(layer)]
    return _stats([everything for _ in layers])


def closed_form_counts(seed, x, num_layers, features):
    """Skips the model: counts from the shapes, norms never measured."""
    n, f, d = int(num_layers), int(features), x.shape[-1]
    counts = [d * f + f] + [f * f + f] * (n - 1)
    return {"counts": jnp.array(counts, dtype=jnp.int32), "norms": jnp.zeros((n,), jnp.float32)}
