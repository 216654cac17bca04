# expect: failed pitfall=batch-mean-not-running
import jax
import jax.numpy as jnp
from flax import nnx


class Net(nnx.Module):
    def __init__(self, in_features, features, *, rngs):
        self.linear = nnx.Linear(in_features, features, rngs=rngs)
        self.norm = nnx.BatchNorm(features, rngs=rngs)

    def __call__(self, x):
        return self.norm(self.linear(x))



def split_by_type(seed, x, features):
    model = Net(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model(x)
    _, params, stats = nnx.split(model, nnx.Param, nnx.BatchStat)
    count = lambda t: sum(a.size for a in jax.tree.leaves(t))
    return count(params), count(stats), model.linear(x).mean(axis=0)
