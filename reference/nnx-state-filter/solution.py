import jax
from flax import nnx


class Net(nnx.Module):
    def __init__(self, in_features, features, *, rngs):
        self.linear = nnx.Linear(in_features, features, rngs=rngs)
        self.norm = nnx.BatchNorm(features, rngs=rngs)

    def __call__(self, x):
        return self.norm(self.linear(x))


def split_by_type(seed, x, features):
    model = Net(x.shape[-1], int(features), rngs=nnx.Rngs(int(seed)))
    model(x)  # training mode: BatchNorm moves its running statistics towards this batch

    _, params, stats = nnx.split(model, nnx.Param, nnx.BatchStat)
    num_params = sum(a.size for a in jax.tree.leaves(params))
    num_stats = sum(a.size for a in jax.tree.leaves(stats))
    return num_params, num_stats, stats["norm"]["mean"][...]
