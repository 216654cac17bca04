# expect: passed
# Param first, then ... for the rest; reads the mean with the deprecated .value.
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
    model.train()
    model(x)
    graphdef, params, rest = nnx.split(model, nnx.Param, ...)
    sizes = lambda t: sum(jnp.size(a) for a in jax.tree.leaves(t))
    return sizes(params), sizes(rest), rest["norm"]["mean"].value
