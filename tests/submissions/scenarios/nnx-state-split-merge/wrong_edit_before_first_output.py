# expect: failed pitfall=edit-before-first-output
import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    f = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=rngs), nnx.Linear(f, f, rngs=rngs))
    graphdef, state = nnx.split(model)
    state["layers"][0]["bias"][...] = jnp.full_like(state["layers"][0]["bias"][...], bias_value)
    merged = nnx.merge(graphdef, state)
    return model(x), merged(x)  # believes `model` is still the unedited one
