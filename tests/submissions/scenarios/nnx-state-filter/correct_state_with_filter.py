# expect: passed
# nnx.state with one filter per call; the rest filter (...) is not needed there.
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
    _ = model(x)
    params = nnx.state(model, nnx.Param)
    stats = nnx.state(model, nnx.BatchStat)
    n_params = int(sum(leaf.size for leaf in jax.tree_util.tree_leaves(params)))
    n_stats = int(sum(leaf.size for leaf in jax.tree_util.tree_leaves(stats)))
    return (n_params, n_stats, stats["norm"]["mean"].get_value())
