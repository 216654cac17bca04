# expect: passed
# First output from the original model (same Params as the State), then set_value on the State.
import jax.numpy as jnp
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    rngs = nnx.Rngs(int(seed))
    layers = [nnx.Linear(x.shape[-1], int(features), rngs=rngs),
              nnx.Linear(int(features), int(features), rngs=rngs)]
    model = nnx.Sequential(*layers)
    graphdef, state = nnx.split(model)
    restored = nnx.merge(graphdef, state)
    before = restored(x)
    b = state["layers"][0]["bias"]
    b.set_value(jnp.ones(b.get_value().shape, b.get_value().dtype) * bias_value)
    return before, nnx.merge(graphdef, state)(x)
