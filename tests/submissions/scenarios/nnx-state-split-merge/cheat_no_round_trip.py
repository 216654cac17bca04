# expect: failed
# Right numbers with no split or merge at all: edits the layer directly between two calls.
import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    f = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=rngs), nnx.Linear(f, f, rngs=rngs))
    before = model(x)
    model.layers[0].bias[...] = jnp.full_like(model.layers[0].bias[...], bias_value)
    return before, model(x)
