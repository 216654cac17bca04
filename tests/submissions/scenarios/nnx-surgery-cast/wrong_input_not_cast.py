# expect: failed pitfall=input-not-cast
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


def cast_to_bfloat16(seed, x, features):
    model = Net(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    f = lambda a: a.astype(jnp.bfloat16) if jnp.issubdtype(a.dtype, jnp.floating) else a
    nnx.update(model, jax.tree.map(f, nnx.state(model)))
    return {"output": model(x), "calls": model.calls[...]}
