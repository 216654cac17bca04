# expect: passed
import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    f = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=rngs), nnx.Linear(f, f, rngs=rngs))
    graphdef, state = nnx.split(model)
    before = nnx.merge(graphdef, state)(x)
    state["layers"][0]["bias"][...] = jnp.full_like(state["layers"][0]["bias"][...], bias_value)
    after = nnx.merge(graphdef, state)(x)
    return before, after
