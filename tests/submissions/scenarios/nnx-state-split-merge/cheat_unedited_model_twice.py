# expect: failed pitfall=edit-not-merged
# Splits and merges but never edits: the same output twice.
from flax import nnx


def split_merge_round_trip(seed, x, features, bias_value):
    f = int(features)
    rngs = nnx.Rngs(int(seed))
    model = nnx.Sequential(nnx.Linear(x.shape[-1], f, rngs=rngs), nnx.Linear(f, f, rngs=rngs))
    graphdef, state = nnx.split(model)
    y = nnx.merge(graphdef, state)(x)
    return y, y
