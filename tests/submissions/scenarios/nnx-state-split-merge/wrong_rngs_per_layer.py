# expect: failed pitfall=rngs-per-layer
import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    f, s = int(features), int(seed)
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=nnx.Rngs(s)), nnx.Linear(f, f, rngs=nnx.Rngs(s)))
    graphdef, state = nnx.split(model)
    before = nnx.merge(graphdef, state)(x)
    state["layers"][0]["bias"][...] = jnp.full_like(state["layers"][0]["bias"][...], bias_value)
    return before, nnx.merge(graphdef, state)(x)
