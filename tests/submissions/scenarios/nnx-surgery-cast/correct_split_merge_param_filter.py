# expect: passed
import jax
import jax.numpy as jnp
from flax import nnx


class Net(nnx.Module):
    def __init__(self, in_features, features, *, rngs):
        self.linear1 = nnx.Linear(in_features, features, rngs=rngs)
        self.linear2 = nnx.Linear(features, features, rngs=rngs)
        self.calls = nnx.Variable(jnp.array(0, dtype=jnp.int32))  # integer state: not a weight

    def __call__(self, x):
        self.calls[...] += 1
        return self.linear2(nnx.relu(self.linear1(x)))

# Splits off the Params (all floating) and casts them all; the counter is in the rest.

def cast_to_bfloat16(seed, x, features):
    model = Net(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    graphdef, params, rest = nnx.split(model, nnx.Param, ...)
    params = jax.tree_util.tree_map(lambda p: p.astype(jnp.bfloat16), params)
    model = nnx.merge(graphdef, params, rest)
    out = model(jnp.asarray(x, dtype=jnp.bfloat16))
    return {"calls": model.calls.get_value(), "output": out}
