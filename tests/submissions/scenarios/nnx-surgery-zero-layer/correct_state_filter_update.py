# expect: passed
# Pulls the parameters out with nnx.state, rewrites the last kernel through a tree map over
# paths, and pushes them back with nnx.update.
import jax
import jax.numpy as jnp
from flax import nnx


class Net(nnx.Module):
    def __init__(self, d, n, f, rngs):
        self.layers = nnx.List([nnx.Linear(d, f, rngs=rngs)])
        for _ in range(n - 1):
            self.layers.append(nnx.Linear(f, f, rngs=rngs))

    def __call__(self, x):
        out = x
        for i in range(len(self.layers)):
            out = self.layers[i](out)
        return out


def zero_last_layer_kernel(seed, x, num_layers, features):
    n = int(num_layers)
    net = Net(int(x.shape[-1]), n, int(features), nnx.Rngs(int(seed)))
    params = nnx.state(net, nnx.Param)
    target = ("layers", n - 1, "kernel")

    def edit(path, leaf):
        keys = tuple(getattr(k, "key", getattr(k, "idx", None)) for k in path)
        return jnp.zeros_like(leaf) if keys[:3] == target else leaf

    pure = nnx.to_pure_dict(params)
    pure = jax.tree_util.tree_map_with_path(edit, pure)
    nnx.replace_by_pure_dict(params, pure)
    nnx.update(net, params)
    return net(x)
