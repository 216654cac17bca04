# expect: passed
import jax
import jax.numpy as jnp
import flax.linen as nn


class Stack(nn.Module):
    n: int
    f: int

    @nn.compact
    def __call__(self, x):
        for i in range(self.n - 1):
            x = nn.Dense(self.f)(x)
        return nn.Dense(self.f, bias_init=nn.initializers.ones)(x)


def zero_last_dense_kernel(seed, x, num_layers, features):
    n = int(num_layers)
    model = Stack(n, int(features))
    variables = model.init(jax.random.key(int(seed)), x)
    last = f"Dense_{n - 1}"

    def surgery(path, leaf):
        names = [p.key for p in path]
        if names[-2:] == [last, "kernel"]:
            return jnp.zeros_like(leaf)
        return leaf

    return model.apply(jax.tree_util.tree_map_with_path(surgery, variables), x)
