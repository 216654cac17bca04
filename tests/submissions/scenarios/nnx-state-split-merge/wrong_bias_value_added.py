# expect: failed pitfall=bias-value-added
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    f = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=rngs), nnx.Linear(f, f, rngs=rngs))
    graphdef, state = nnx.split(model)
    before = nnx.merge(graphdef, state)(x)
    state["layers"][0]["bias"][...] += bias_value
    return before, nnx.merge(graphdef, state)(x)
