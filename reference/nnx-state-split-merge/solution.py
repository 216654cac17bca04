import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    features = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(
        nnx.Linear(x.shape[-1], features, rngs=rngs),
        nnx.Linear(features, features, rngs=rngs),
    )

    graphdef, state = nnx.split(model)
    # Before any edit: the State shares its Params with the model, so order matters.
    before = nnx.merge(graphdef, state)(x)

    bias = state["layers"][0]["bias"]
    bias[...] = jnp.full_like(bias[...], bias_value)
    after = nnx.merge(graphdef, state)(x)
    return before, after
