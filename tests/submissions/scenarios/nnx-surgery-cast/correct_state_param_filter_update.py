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

# nnx.state with the Param filter; dtype test through jnp.finfo-friendly kind check.

def cast_to_bfloat16(seed, x, features):
    model = Net(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    params = nnx.state(model, nnx.Param)
    cast = jax.tree.map(lambda a: a.astype("bfloat16") if a.dtype.kind == "f" else a, params)
    nnx.update(model, cast)
    y = model(x.astype(jnp.bfloat16))
    return {"output": y, "calls": model.calls[...]}
