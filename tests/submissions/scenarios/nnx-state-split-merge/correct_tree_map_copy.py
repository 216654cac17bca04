# expect: passed
# Edits a copy of the State built with a path-aware tree map, so the original never changes.
import jax
import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    f = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=rngs), nnx.Linear(f, f, rngs=rngs))
    graphdef, state = nnx.split(model)

    def edit(path, leaf):
        keys = [getattr(k, "key", None) for k in path]
        if keys[:3] == ["layers", 0, "bias"]:
            return jnp.full_like(leaf, bias_value)
        return leaf

    edited = jax.tree_util.tree_map_with_path(edit, state)
    after = nnx.merge(graphdef, edited)(x)
    before = nnx.merge(graphdef, state)(x)
    return (before, after)
